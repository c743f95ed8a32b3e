package io.courier.pubsub.internal.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

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
        String fetch = plan("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)", QueueStatements.FETCH, sub.id(), 5, 2_000, 0, 100);
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

        String fetch = plan(QueueStatements.FETCH, late.id(), 5, 2_000, 0, 100);
        assertTrue(fetch.contains("using courier_delivery_queue"), "FETCH walks the queue index:\n" + fetch);
        String newest = plan(QueueStatements.NEWEST, late.id(), PublishOptions.MAX_PRIORITY + 1);
        assertTrue(newest.contains("Backward using courier_delivery_queue"),
                "NEWEST walks the queue index backwards:\n" + newest);
        for (SubscriptionRow sub : List.of(busy, late, sharedA)) {
            for (String plan : List.of(plan(QueueStatements.FETCH, sub.id(), 5, 2_000, 0, 100),
                    plan(QueueStatements.NEWEST, sub.id(), PublishOptions.MAX_PRIORITY + 1))) {
                assertFalse(plan.contains("Seq Scan"), sub.subscriber() + ": no statement reads a whole table:\n" + plan);
            }
        }
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
