package io.courier.pubsub.internal.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.QueryExecutor;

import io.courier.api.PublishOptions;

/**
 * The store on PostgreSQL (a private server of the test run): every test of {@link StoreTest}, and what
 * PostgreSQL needs of its own: durable commits in every session, the queue read through its index, the tables'
 * storage options, message data above VARCHAR's limit.
 */
class PostgresStoreTest extends StoreTest {

    @Override
    protected TestDatabase open() {
        return TestDatabase.postgres();
    }

    @Test
    void everySessionCommitsDurablyWhateverTheDatabasesDefault() throws Exception {
        String database = db.value("SELECT current_database()");
        db.execute("ALTER DATABASE " + database + " SET synchronous_commit = off");
        DatabaseSettings s = db.settings();
        try (Connection plain = DriverManager.getConnection(s.url(), s.user(), s.password());
                Statement st = plain.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            assertEquals("off", rs.getString(1), "a plain session gets the database's default");
        }
        try (TestDatabase again = TestDatabase.reopen(db)) {
            assertEquals("on", again.value("SHOW synchronous_commit"), "the store's sessions commit durably");
        }
    }

    @Test
    void aFetchCommitsItsClaimsWithoutWaitingForTheDiskAndNoOtherTransactionOfItsSessionDoes() throws Exception {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 5, 1_000, sub), message("b", 5, 1_001, sub)));
        QueueStatements queue = new QueueStatements(new KeptStatements(), db.dialect());
        Claimant me = new Claimant("me", "node-a", LEASE);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            List<DueDelivery> due = new ArrayList<>();
            queue.fetch(c, me, sub.id(), 5, 2_000, 0, 1, due);
            queue.claimsNeedNoFlush(c);
            assertEquals(List.of("a"), msgIds(due));
            assertEquals("off", show(c), "the fetch's transaction, which wrote its claims");
            c.commit();
            assertEquals("on", show(c), "the session's next transaction");
            BatchOutcome done = new BatchOutcome();
            done.delivered(due.get(0));
            QueueDepths.Change change = new QueueDepths.Change();
            queue.complete(c, me, List.of(new Acknowledgement(sub.id(), done, 3_000)), change,
                    new Tallies.Unwritten());
            assertEquals("on", show(c), "an acknowledgement's transaction");
            c.commit();
        }
    }

    @Test
    void theDriverRewritesBatchesOfInsertsUnlessTheUrlSaysOtherwise() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            QueryExecutor driver = c.unwrap(BaseConnection.class).getQueryExecutor();
            assertTrue(driver.isReWriteBatchedInsertsEnabled());
            assertEquals(PostgresDialect.ROWS_PER_INSERT, driver.getReWriteBatchedInsertsSize());
        }
        DatabaseSettings s = db.settings();
        DatabaseSettings off = new DatabaseSettings(s.url() + (s.url().contains("?") ? "&" : "?")
                + "reWriteBatchedInserts=false", s.user(), s.password(), "test", "test", "test");
        try (BasicDataSource pool = Database.pool(off, db.dialect(), new org.postgresql.Driver());
                Connection c = pool.getConnection()) {
            assertFalse(c.unwrap(BaseConnection.class).getQueryExecutor().isReWriteBatchedInsertsEnabled());
        }
    }

    private static String show(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theQueueTablesAreVacuumedEarlyAndTheCounterTablesLeaveRoomForInPlaceUpdates() {
        String delivery = db.value("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'courier_delivery'");
        assertTrue(delivery.contains("autovacuum_vacuum_scale_factor=0.01"), delivery);
        assertTrue(delivery.contains("fillfactor=90"), delivery);
        String message = db.value("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'courier_message'");
        assertTrue(message.contains("autovacuum_vacuum_scale_factor=0.01"), message);
        for (String table : List.of("courier_topic", "courier_subscription", "courier_node")) {
            String options = db.value("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = '" + table + "'");
            assertTrue(options.contains("fillfactor=50"), table + ": " + options);
        }
    }

    /**
     * Every deleted row stays in the queue index until a vacuum, and each fetch from the head of the queue steps
     * over it: the store vacuums after {@value QueueVacuum#EVERY} acknowledgements rather than wait for autovacuum.
     */
    @Test
    void acknowledgedDeliveriesAreVacuumedAwayByTheStore() {
        SubscriptionRow sub = subscribe("svc", "svc");
        try (Store vacuuming = new Store(db.emf(), db.dialect(), db.dataSource())) {
            for (int batch = 0; batch < QueueVacuum.EVERY / 500; batch++) {
                List<NewMessage> messages = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    messages.add(message("m-" + batch + "-" + i, 5, 1_000, sub));
                }
                vacuuming.write(messages, List.of());
                BatchOutcome done = new BatchOutcome();
                vacuuming.fetchDue(sub.id(), 2_000, 0, 500, false).forEach(done::delivered);
                vacuuming.write(List.of(), List.of(new Acknowledgement(sub.id(), done, 2_000)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> vacuuming.vacuums() >= 1);
        }
        // a fetch from the head of the drained queue reads a page or two, not 10,000 dead entries (without the
        // vacuum: 60 pages and more)
        String fetch = plan("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)", fetchSql(), fetchParameters(sub.id()));
        String execution = fetch.substring(0, fetch.indexOf("Planning"));
        int pages = Pattern.compile("shared hit=(\\d+)").matcher(execution).results()
                .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
        assertTrue(pages <= 4, "FETCH read " + pages + " pages:\n" + fetch);
    }

    /**
     * With a backlog of 10,000 messages for one service, then 500 for another, the delivery's statements for the
     * latter walk the queue index, per PostgreSQL's plans, rather than the older rows of the former; and no
     * statement of the delivery reads a whole table. A shared topic's 10,500 messages, each with two deliveries,
     * have rows of their own, which the fetch reads by key (with a few hundred, PostgreSQL reads them all into a
     * hash rather than look up 100 keys: cheaper at that size).
     */
    @Test
    void theDeliveryStatementsReadThroughTheQueueIndex() {
        SubscriptionRow busy = subscribe("busy", "busy");
        SubscriptionRow late = subscribe("late", "late");
        SubscriptionRow sharedA = subscribe("a", "/shared");
        SubscriptionRow sharedB = subscribe("b", "/shared");
        for (int batch = 0; batch < 21; batch++) {
            SubscriptionRow sub = batch < 20 ? busy : late;
            List<NewMessage> messages = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                messages.add(message(sub.subscriber() + "-" + batch + "-" + i, i % 3 + 4, 1_000 + i, sub));
                messages.add(message("shared-" + batch + "-" + i, i % 3 + 4, 1_000 + i, sharedA, sharedB));
            }
            insert(messages);
        }
        db.execute("ANALYZE");

        String fetch = plan(fetchSql(), fetchParameters(late.id()));
        assertTrue(fetch.contains("using courier_delivery_queue"), "FETCH walks the queue index:\n" + fetch);
        String newest = plan(QueueStatements.NEWEST, late.id(), PublishOptions.MAX_PRIORITY + 1);
        assertTrue(newest.contains("Backward using courier_delivery_queue"),
                "NEWEST walks the queue index backwards:\n" + newest);
        for (SubscriptionRow sub : List.of(busy, late, sharedA)) {
            for (String plan : List.of(plan(fetchSql(), fetchParameters(sub.id())),
                    plan(QueueStatements.NEWEST, sub.id(), PublishOptions.MAX_PRIORITY + 1))) {
                assertFalse(plan.replace("Seq Scan on courier_node", "").contains("Seq Scan"), sub.subscriber()
                        + ": no statement reads a whole table but the nodes' (a row per node):\n" + plan);
            }
        }
    }

    // ---- several nodes on one database: claims ----------------------------------------------------------

    private static final long LEASE = 10_000;

    /** Another node's store on the same database, its heartbeat written under {@code name}. */
    private Store node(String name) {
        Store other = db.newStore();
        beat(other, name);
        return other;
    }

    private static void beat(Store node, String name) {
        assertEquals(java.util.Optional.empty(), node.beat(new NodeBeat(name, node.incarnation(), name, List.of(), 0, null),
                LEASE));
    }

    private static List<String> msgIds(List<DueDelivery> deliveries) {
        return deliveries.stream().map(DueDelivery::msgId).toList();
    }

    private List<NewMessage> published(SubscriptionRow sub, int count) {
        List<NewMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(message(String.format("m%02d", i), 5, 1_000 + i, sub));
        }
        insert(messages);
        return messages;
    }

    private static void acknowledge(Store node, long subscriptionId, List<DueDelivery> delivered) {
        BatchOutcome done = new BatchOutcome();
        delivered.forEach(done::delivered);
        node.write(List.of(), List.of(new Acknowledgement(subscriptionId, done, 3_000)));
    }

    @Test
    void twoNodesFetchingTheSameQueueGetDifferentDeliveriesAndEachItsOwnAgain() {
        SubscriptionRow sub = subscribe("svc", "svc");
        published(sub, 20);
        beat(store, "a");
        Store b = node("b");

        List<String> first = msgIds(store.fetchDue(sub.id(), 2_000, 0, 10, false));
        List<DueDelivery> heldByB = b.fetchDue(sub.id(), 2_000, 0, 10, false);
        List<String> second = msgIds(heldByB);

        assertEquals(10, first.size());
        assertEquals(10, second.size());
        assertTrue(first.stream().noneMatch(second::contains), first + " and " + second + " overlap");
        assertEquals(first, msgIds(store.fetchDue(sub.id(), 2_000, 0, 10, false)),
                "a node fetches again what it holds and did not deliver");
        assertEquals(List.of(), msgIds(b.fetchDue(sub.id(), 2_000, 0, 10, false)).stream()
                .filter(first::contains).toList(), "never what the other node holds");
        acknowledge(b, sub.id(), heldByB);
        long now = 3_000;
        assertEquals(now + LEASE / 4, b.nextAttemptAt(sub.id(), now).orElseThrow(),
                "the rest is held by a, live: b, which found none to claim, looks again a quarter of a lease later");
    }

    @Test
    void aSilentNodesDeliveriesGoToAnotherAndItsLateAcknowledgementsChangeNothing() {
        SubscriptionRow sub = subscribe("svc", "svc");
        published(sub, 20);
        beat(store, "a");
        Store b = node("b");
        List<DueDelivery> heldByA = store.fetchDue(sub.id(), 2_000, 0, 10, false);
        assertEquals(10, b.fetchDue(sub.id(), 2_000, 0, 20, false).size(), "a's ten are held while it beats");

        db.execute("UPDATE COURIER_NODE SET HEARTBEATAT = HEARTBEATAT - " + (LEASE + 1_000) + " WHERE NAME = 'a'");
        List<DueDelivery> all = b.fetchDue(sub.id(), 2_000, 0, 20, false);
        assertEquals(20, all.size(), "a silent past the lease: its deliveries go to b");

        acknowledge(store, sub.id(), heldByA);
        assertEquals(10, store.missedOutcomes(), "a's late acknowledgements reached nothing");
        assertEquals(20, db.countMessages(), "and deleted nothing");

        acknowledge(b, sub.id(), all);
        assertEquals(0, b.missedOutcomes());
        assertEquals(0, db.countMessages(), "b, which holds them, acknowledges them");
    }

    @Test
    void aStoppedNodesDeliveriesGoToAnotherAtOnceAndAFailureLetsItsClaimGo() {
        SubscriptionRow sub = subscribe("svc", "svc");
        published(sub, 4);
        beat(store, "a");
        Store b = node("b");
        List<DueDelivery> heldByA = store.fetchDue(sub.id(), 2_000, 0, 2, false);

        BatchOutcome failed = new BatchOutcome();
        failed.failed(new BatchOutcome.Failure(heldByA.get(0).deliveryId(), 1, 2_500, false, "boom"));
        store.write(List.of(), List.of(new Acknowledgement(sub.id(), failed, 2_400)));
        assertEquals(List.of("m00", "m02", "m03"), msgIds(b.fetchDue(sub.id(), 3_000, 0, 10, false)),
                "a failed delivery is anyone's for its next attempt; the other one a holds stays a's");

        store.leave("a", store.incarnation());
        assertEquals(List.of("m00", "m01", "m02", "m03"), msgIds(b.fetchDue(sub.id(), 3_000, 0, 10, false)),
                "a stopped: what it held is b's at once");
    }

    @Test
    void deliveriesHandedOverAsTheyAreStoredAreTheirNodesUntilItLetsThemGo() {
        SubscriptionRow sub = subscribe("svc", "svc");
        beat(store, "a");
        Store b = node("b");
        List<DueDelivery> handed = store.write(List.of(message("h1", 5, 1_000, sub), message("h2", 5, 1_001, sub)),
                List.of(), subscription -> true);
        store.write(List.of(message("free", 5, 1_002, sub)), List.of(), subscription -> false);

        assertEquals(List.of("free"), msgIds(b.fetchDue(sub.id(), 3_000, 0, 10, false)),
                "what a handed over to itself is claimed by a, live; what it did not is anyone's");
        BatchOutcome letGo = new BatchOutcome();
        letGo.released(handed.get(1));
        store.write(List.of(), List.of(new Acknowledgement(sub.id(), letGo, 3_000)));
        assertEquals(List.of("h2", "free"), msgIds(b.fetchDue(sub.id(), 3_000, 0, 10, false)),
                "a let go of h2; b fetches its own again");
        store.leave("a", store.incarnation());
        assertEquals(List.of("h1", "h2", "free"), msgIds(b.fetchDue(sub.id(), 3_000, 0, 10, false)),
                "a stopped: h1, which it still held, is b's too");
    }

    @Test
    void whatABatchDidNotAttemptIsLetGoForAnyNode() {
        SubscriptionRow sub = subscribe("svc", "svc");
        published(sub, 4);
        beat(store, "a");
        Store b = node("b");
        List<DueDelivery> heldByA = store.fetchDue(sub.id(), 2_000, 0, 10, false);

        BatchOutcome cutShort = new BatchOutcome();
        cutShort.delivered(heldByA.get(0));
        heldByA.subList(1, 4).forEach(cutShort::released);
        store.write(List.of(), List.of(new Acknowledgement(sub.id(), cutShort, 2_100)));

        assertEquals(List.of("m01", "m02", "m03"), msgIds(b.fetchDue(sub.id(), 3_000, 0, 10, false)),
                "a, live, let go of the three it did not attempt");
        assertEquals(0, store.missedOutcomes());
    }

    @Test
    void anOrderedSubscriptionIsDeliveredByOneNodeAtATime() {
        SubscriptionRow sub = subscribe("svc", "svc");
        beat(store, "a");
        Store b = node("b");

        assertTrue(store.holdOrdered(sub.id()), "the first node to ask holds it");
        assertTrue(store.holdOrdered(sub.id()), "and keeps it");
        assertFalse(b.holdOrdered(sub.id()), "not the other, while the first beats");

        db.execute("UPDATE COURIER_NODE SET HEARTBEATAT = HEARTBEATAT - " + (LEASE + 1_000) + " WHERE NAME = 'a'");
        assertTrue(b.holdOrdered(sub.id()), "the first silent past the lease: the other takes it");
        beat(store, "a");
        assertFalse(store.holdOrdered(sub.id()), "the first, back, does not take it back");
    }

    @Test
    void twoNodesSubscribingTheSameNewServiceAtOnceMakeOneTopicAndOneSubscriptionWithoutError() throws Exception {
        Store b = node("b");
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                int round = i;
                List<String> topics = List.of("svc" + round, "/shared/" + round);
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<List<SubscriptionRow>> subscribeA = () -> {
                    start.await();
                    return store.ensureSubscriptions("svc" + round, topics, 1);
                };
                Callable<List<SubscriptionRow>> subscribeB = () -> {
                    start.await();
                    return b.ensureSubscriptions("svc" + round, topics, 1);
                };
                Future<List<SubscriptionRow>> a = both.submit(subscribeA);
                Future<List<SubscriptionRow>> other = both.submit(subscribeB);
                assertEquals(a.get(), other.get(), "round " + round + ": both nodes got the same subscriptions");
            }
        } finally {
            both.shutdownNow();
        }
        assertEquals(List.of(List.of("40")), db.query("SELECT COUNT(*) FROM COURIER_TOPIC"), "one row per topic");
        assertEquals(List.of(List.of("40")), db.query("SELECT COUNT(*) FROM COURIER_SUBSCRIPTION"),
                "one row per subscription");
    }

    @Test
    void queueCountsAreRightOnEveryNodeWhicheverNodeChangedTheQueue() {
        SubscriptionRow sub = subscribe("svc", "svc");
        beat(store, "a");
        store.node("a", LEASE);
        Store b = node("b");
        b.node("b", LEASE);
        published(sub, 10);
        assertEquals(new QueueCounts(10, 0), b.queueCounts().get(sub.id()), "a's publishes, seen on b at once");

        List<DueDelivery> heldByB = b.fetchDue(sub.id(), 2_000, 0, 4, false);
        BatchOutcome outcome = new BatchOutcome();
        outcome.delivered(heldByB.get(0));
        outcome.delivered(heldByB.get(1));
        outcome.failed(new BatchOutcome.Failure(heldByB.get(2).deliveryId(), 5, 2_000, true, "dead"));
        b.write(List.of(), List.of(new Acknowledgement(sub.id(), outcome, 2_100)));
        acknowledge(store, sub.id(), List.of(heldByB.get(3))); // held by b, live: a's outcome reaches nothing
        assertEquals(new QueueCounts(7, 1), store.queueCounts().get(sub.id()), "b's outcomes, seen on a");
        assertEquals(new QueueCounts(7, 1), b.queueCounts().get(sub.id()));

        assertEquals(1, store.retryDead(List.of(sub.id()), null, 3_000));
        assertEquals(new QueueCounts(8, 0), b.queueCounts().get(sub.id()));
        assertEquals(List.of(List.of("a"), List.of("b")), countRows(sub), "one row of counts per node");

        db.execute("DELETE FROM COURIER_NODE WHERE NAME = 'b'"); // as if forgotten after a week's silence
        node("c"); // a node's first beat forgets the old ones
        assertEquals(List.of(List.of(""), List.of("a")), countRows(sub), "b's row folded into the row of no node");
        assertEquals(new QueueCounts(8, 0), store.queueCounts().get(sub.id()), "and the counts unchanged");
        assertEquals(8, store.purge(List.of(sub.id()), false));
        assertEquals(new QueueCounts(0, 0), b.queueCounts().get(sub.id()));
    }

    private List<List<String>> countRows(SubscriptionRow sub) {
        return db.query("SELECT NODE FROM COURIER_QUEUE_COUNT WHERE SUBSCRIPTIONID = " + sub.id() + " ORDER BY NODE");
    }

    @Test
    void aWakeUpToldByOneNodeReachesTheOthersAndNotItself() {
        Set<Long> wokenOnA = ConcurrentHashMap.newKeySet();
        Set<Long> wokenOnB = ConcurrentHashMap.newKeySet();
        try (WakeChannel a = db.dialect().wakeChannel(db.dataSource(), "a", wokenOnA::add);
                WakeChannel b = db.dialect().wakeChannel(db.dataSource(), "b", wokenOnB::add)) {
            await("b listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                a.wakeOthers(0);
                return wokenOnB.contains(0L);
            });
            List<Long> ids = LongStream.rangeClosed(1_000_000_000L, 1_000_003_000L).boxed().toList();
            ids.forEach(a::wakeOthers); // more than one notification's payload can carry
            await("all woken on b").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> wokenOnB.containsAll(ids));
            await("b's wake-up on a").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                b.wakeOthers(42); // a listening from its start on: told again until it hears
                return wokenOnA.contains(42L);
            });
            assertEquals(Set.of(42L), wokenOnA, "a woken by b alone, never by its own wake-ups");
            assertFalse(wokenOnB.contains(42L), "b not woken by its own wake-up");
        }
    }

    @Test
    void wakeUpPayloadsStayUnderPostgresqlsLimit() {
        List<Long> ids = LongStream.range(0, 5_000).map(i -> Long.MAX_VALUE - i).boxed().toList();
        List<String> payloads = PostgresWakeChannel.payloads("incarnation", ids);
        assertTrue(payloads.size() > 1, "split in " + payloads.size());
        assertTrue(payloads.stream().allMatch(p -> p.length() <= PostgresWakeChannel.MAX_PAYLOAD));
        assertEquals(ids, payloads.stream().map(p -> p.substring(p.indexOf(' ') + 1)).flatMap(p -> Arrays.stream(
                p.split(","))).map(Long::valueOf).toList());
    }

    @Test
    void messageDataAboveVarcharsLimitIsStoredWhole() {
        SubscriptionRow sub = subscribe("big", "big");
        String data = "\"" + "x".repeat(12 * 1024 * 1024) + "\""; // above PostgreSQL's VARCHAR limit of 10,485,760
        store.write(List.of(new NewMessage("big-1", false, sub.topicId(), List.of(sub.id()), data, "application/json",
                5, "c", null, null, null, 1_000, 0)), List.of());
        List<DueDelivery> due = store.fetchDue(sub.id(), 2_000, 0, 10, false);
        assertEquals(1, due.size());
        assertEquals(data.length(), due.get(0).data().length());
        assertEquals(data, due.get(0).data());
    }

    /** The fetch of the store on PostgreSQL: the one of a queue that nodes share. */
    private String fetchSql() {
        return new QueueStatements(new KeptStatements(), db.dialect()).fetchSql();
    }

    /** The fetch's parameters for the deliveries of priority 5 due at 2,000, 100 at most, claimed as 'me'. */
    private static Object[] fetchParameters(long subscriptionId) {
        return new Object[] { subscriptionId, 5, 2_000, 0, "'me'", 10_000, 100, "'me'" };
    }

    /** PostgreSQL's plan for a statement of the queue, its parameters written in. */
    private String plan(String sql, Object... parameters) {
        return plan("EXPLAIN", sql, parameters);
    }

    private String plan(String explain, String sql, Object... parameters) {
        String literal = sql;
        for (Object p : parameters) {
            literal = literal.replaceFirst("\\?", p.toString());
        }
        return db.query(explain + " " + literal).stream().map(r -> r.get(0)).collect(Collectors.joining("\n"));
    }
}
