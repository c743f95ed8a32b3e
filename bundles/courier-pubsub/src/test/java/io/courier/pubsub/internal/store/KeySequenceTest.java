package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys of messages and deliveries come from sequences, taken in blocks, so that OpenJPA can batch the
 * inserts. They must keep publish order and never collide with stored keys, also in a database written when
 * the keys were IDENTITY columns.
 */
class KeySequenceTest {

    @TempDir
    Path dir;

    private static NewMessage message(String msgId, SubscriptionRow... subs) {
        return new NewMessage(msgId, false, subs[0].topicId(), List.of(subs).stream().map(SubscriptionRow::id).toList(),
                "{\"id\":\"" + msgId + "\"}", "application/json", 5, "corr", null, null, "publisher", 1_000, 0);
    }

    private static List<NewMessage> messages(String prefix, int count, SubscriptionRow... subs) {
        return IntStream.range(0, count).mapToObj(i -> message(prefix + i, subs)).toList();
    }

    /** The message ids in the order of their keys. */
    private static List<String> msgIdsByKey(TestDatabase db) {
        return db.storedMsgIds();
    }

    private static long value(TestDatabase db, String sql) {
        return Long.parseLong(db.value(sql));
    }

    @Test
    void keysFollowPublishOrderWithinAndAcrossTransactionsAndAllocationBlocks() {
        try (TestDatabase db = TestDatabase.inMemory()) {
            Store store = db.preparedStore();
            SubscriptionRow a = store.ensureSubscriptions("a", List.of("/t"), 1).get(0);
            SubscriptionRow b = store.ensureSubscriptions("b", List.of("/t"), 1).get(0);

            // more messages in one transaction than one block of keys, then more transactions after it
            List<NewMessage> first = messages("x", MessageEntity.ID_ALLOCATION + 500, a, b);
            store.write(first, List.of());
            List<NewMessage> second = messages("y", 700, a, b);
            store.write(second, List.of());
            db.newStore().prepare(); // as on a restart of pub/sub with the same factory: keys go on upwards
            List<NewMessage> third = messages("z", 3, a, b);
            store.write(third, List.of());

            List<String> published = new ArrayList<>();
            for (List<NewMessage> batch : List.of(first, second, third)) {
                batch.forEach(m -> published.add(m.msgId()));
            }
            assertEquals(published, msgIdsByKey(db));
            // each message's deliveries: one per subscription, in publish order too
            assertEquals(2L * published.size(), value(db, "SELECT COUNT(*) FROM COURIER_DELIVERY"));
            assertEquals(published, db.query("SELECT M.MSGID FROM COURIER_DELIVERY D JOIN COURIER_MESSAGE M"
                    + " ON D.MESSAGE_ID = M.ID WHERE D.SUBSCRIPTIONID = " + a.id() + " ORDER BY D.ID").stream()
                    .map(r -> r.get(0)).toList());
            // the delivery query's order (priority, then message key) is publish order
            assertEquals(published.subList(0, 100), store.fetchDue(b.id(), 1_000, 0, 100, true).stream()
                    .map(DueDelivery::msgId).toList());
        }
    }

    @Test
    void oneCommitInsertsItsMessagesAndItsDeliveriesAsOneBatchEach() throws SQLException {
        try (TestDatabase db = TestDatabase.inMemory()) {
            Store store = db.preparedStore();
            SubscriptionRow a = store.ensureSubscriptions("a", List.of("/t"), 1).get(0);
            SubscriptionRow b = store.ensureSubscriptions("b", List.of("/t"), 1).get(0);
            SubscriptionRow other = store.ensureSubscriptions("other", List.of("other"), 1).get(0);
            List<NewMessage> batch = new ArrayList<>(messages("t", 100, a, b));
            batch.addAll(messages("o", 20, other));

            store.write(batch, List.of());

            assertEquals(120, db.countMessages());
            assertEquals(220L, value(db, "SELECT COUNT(*) FROM COURIER_DELIVERY"));
            assertEquals("t99", facts(store, "/t").lastMsgId());
            assertEquals("o19", facts(store, "other").lastMsgId());

            // the same statements on a connection that counts what runs: one batch per kind of row
            Map<String, Integer> runs = new HashMap<>();
            try (Connection c = DriverManager.getConnection(db.url(), "SA", "")) {
                c.setAutoCommit(false);
                AtomicLong keys = new AtomicLong(1_000_000);
                List<NewMessage> next = new ArrayList<>(messages("t2-", 100, a, b));
                next.addAll(messages("o2-", 20, other));
                new QueueStatements(new KeptStatements(), db.dialect()).insert(countingRuns(c, runs),
                        new Claimant("i", "n", 10_000), next, keys::incrementAndGet, keys::incrementAndGet, s -> false,
                        new ArrayList<>());
                c.commit();
            }
            assertEquals(1, runs.get("INSERT INTO COURIER_MESSAGE"), "one INSERT for the 100 messages: " + runs);
            assertEquals(2, runs.get("INSERT INTO COURIER_DELIVERY"), "one INSERT for the 200 deliveries of the shared"
                    + " topic's messages, one for the 20 deliveries holding their message: " + runs);
            assertEquals(240L, db.countMessages());
            assertEquals(100L, value(db, "SELECT COUNT(*) FROM COURIER_MESSAGE WHERE MSGID LIKE 't2-%'"));
            assertEquals(0L, value(db, "SELECT COUNT(*) FROM COURIER_MESSAGE WHERE MSGID LIKE 'o%'"),
                    "a message for one subscription has no row of its own");
        }
    }

    /** The connection, counting each statement run (a batch counts once) by the SQL's first three words. */
    private static Connection countingRuns(Connection c, Map<String, Integer> runs) {
        return (Connection) Proxy.newProxyInstance(KeySequenceTest.class.getClassLoader(),
                new Class<?>[] { Connection.class }, (proxy, method, args) -> {
                    Object result = invoke(method, c, args);
                    if (!method.getName().equals("prepareStatement")) {
                        return result;
                    }
                    String kind = String.join(" ", Arrays.copyOf(((String) args[0]).split(" "), 3));
                    return Proxy.newProxyInstance(KeySequenceTest.class.getClassLoader(),
                            new Class<?>[] { PreparedStatement.class }, (p, m, a) -> {
                                if (m.getName().startsWith("execute")) {
                                    runs.merge(kind, 1, Integer::sum);
                                }
                                return invoke(m, result, a);
                            });
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void keysGoOnPastTheLargestInteger() {
        try (TestDatabase db = TestDatabase.inMemory()) {
            Store store = db.preparedStore();
            SubscriptionRow a = store.ensureSubscriptions("a", List.of("a"), 1).get(0);
            store.write(messages("before", 1, a), List.of()); // OpenJPA holds a block of keys from here on
            for (String sequence : List.of(MessageEntity.ID_SEQUENCE, DeliveryEntity.ID_SEQUENCE)) {
                db.execute("ALTER SEQUENCE " + sequence + " RESTART WITH " + (Integer.MAX_VALUE - 2_500L));
            }
            db.newStore().prepare(); // as on a restart

            List<String> published = new ArrayList<>(List.of("before0"));
            for (int batch = 0; batch < 4; batch++) { // four blocks of keys and more, across 2^31
                List<NewMessage> messages = messages("m" + batch + "-", MessageEntity.ID_ALLOCATION, a);
                store.write(messages, List.of());
                messages.forEach(m -> published.add(m.msgId()));
            }

            assertEquals(published, msgIdsByKey(db));
            assertTrue(value(db, "SELECT MAX(ID) FROM COURIER_DELIVERY") > Integer.MAX_VALUE);
            assertEquals(published.subList(0, 10), store.fetchDue(a.id(), 1_000, 0, 10, true).stream()
                    .map(DueDelivery::msgId).toList());
        }
    }

    private static TopicFacts facts(Store store, String topic) {
        return store.topicFacts().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow();
    }

    @Test
    void aDatabaseWithIdentityKeysGetsSequencesPastItsStoredKeys() throws SQLException {
        String url = "jdbc:hsqldb:file:" + dir.resolve("courier").toAbsolutePath();
        // The schema as the IDENTITY entities created it, with keys far from 1 and pending deliveries.
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE COURIER_DELIVERY (id INTEGER NOT NULL IDENTITY, attempts INTEGER NOT NULL,"
                    + " lastAttemptAt BIGINT, lastError VARCHAR(2000), MESSAGE_ID BIGINT NOT NULL,"
                    + " nextAttemptAt BIGINT NOT NULL, priority INTEGER NOT NULL, state VARCHAR(8) NOT NULL,"
                    + " subscriptionId BIGINT NOT NULL)");
            st.execute("CREATE TABLE COURIER_MESSAGE (id INTEGER NOT NULL IDENTITY, correlationId VARCHAR(200) NOT NULL,"
                    + " data VARCHAR(16777216) NOT NULL, expiresAt BIGINT NOT NULL, extClientId VARCHAR(200),"
                    + " inReplyTo VARCHAR(200), mimeType VARCHAR(200) NOT NULL, msgId VARCHAR(200) NOT NULL,"
                    + " priority INTEGER NOT NULL, publishedAt BIGINT NOT NULL, publisher VARCHAR(200),"
                    + " topicId BIGINT NOT NULL, CONSTRAINT U_CRR_SSG_MSGID UNIQUE (msgId))");
            st.execute("CREATE TABLE COURIER_SUBSCRIPTION (id INTEGER NOT NULL IDENTITY, createdAt BIGINT NOT NULL,"
                    + " delivered BIGINT NOT NULL, expired BIGINT NOT NULL, lastDeliveryAt BIGINT, paused BIT NOT NULL,"
                    + " subscriber VARCHAR(200) NOT NULL, topicId BIGINT NOT NULL,"
                    + " CONSTRAINT U_CRR_PTN_TOPICID UNIQUE (topicId, subscriber))");
            st.execute("CREATE TABLE COURIER_TOPIC (id INTEGER NOT NULL IDENTITY, createdAt BIGINT NOT NULL,"
                    + " lastMsgAt BIGINT, lastMsgId VARCHAR(200), lastPreview VARCHAR(200), name VARCHAR(200) NOT NULL,"
                    + " shared BIT NOT NULL, CONSTRAINT U_CRR_TPC_NAME UNIQUE (name))");
            st.execute("CREATE INDEX COURIER_DELIVERY_QUEUE ON COURIER_DELIVERY"
                    + " (subscriptionId, state, priority, MESSAGE_ID)");
            st.execute("CREATE INDEX I_CRR_VRY_MESSAGE ON COURIER_DELIVERY (MESSAGE_ID)");
            st.execute("INSERT INTO COURIER_TOPIC (createdAt, name, shared) VALUES (1, 'svc', FALSE)");
            st.execute("INSERT INTO COURIER_SUBSCRIPTION (createdAt, delivered, expired, paused, subscriber, topicId)"
                    + " SELECT 1, 0, 0, FALSE, 'svc', id FROM COURIER_TOPIC");
            st.execute("ALTER TABLE COURIER_MESSAGE ALTER COLUMN id RESTART WITH 5000");
            st.execute("ALTER TABLE COURIER_DELIVERY ALTER COLUMN id RESTART WITH 9000");
            for (int i = 0; i < 3; i++) {
                st.execute("INSERT INTO COURIER_MESSAGE (correlationId, data, expiresAt, mimeType, msgId, priority,"
                        + " publishedAt, topicId) SELECT 'c', '{}', 0, 'application/json', 'old" + i + "', 5, 1, id"
                        + " FROM COURIER_TOPIC");
                st.execute("INSERT INTO COURIER_DELIVERY (attempts, MESSAGE_ID, nextAttemptAt, priority, state,"
                        + " subscriptionId) SELECT 0, m.id, 1, 5, 'PENDING', s.id FROM COURIER_MESSAGE m,"
                        + " COURIER_SUBSCRIPTION s WHERE m.msgId = 'old" + i + "'");
            }
            st.execute("SHUTDOWN");
        }

        try (TestDatabase db = TestDatabase.inFiles(dir)) {
            Store store = db.preparedStore();
            SubscriptionRow sub = store.loadTopics().get(0).subscriptions().get(0);
            store.write(messages("new", 3, sub), List.of());

            // explicit keys went into the IDENTITY columns, above the stored ones
            assertEquals(List.of("old0", "old1", "old2", "new0", "new1", "new2"), msgIdsByKey(db));
            // the new messages, each for one subscription, are kept in their deliveries' rows
            assertTrue(value(db, "SELECT MIN(MESSAGE_ID) FROM COURIER_DELIVERY WHERE MSGID LIKE 'new%'") > 5002);
            assertTrue(value(db, "SELECT MIN(ID) FROM COURIER_DELIVERY WHERE ID NOT IN (9000, 9001, 9002)") > 9002);
            assertEquals("YES", db.value("SELECT IS_IDENTITY FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_NAME = 'COURIER_MESSAGE' AND COLUMN_NAME = 'ID'"));
            // the stored messages are delivered first, then the new ones, in publish order
            assertEquals(List.of("old0", "old1", "old2", "new0", "new1", "new2"),
                    store.fetchDue(sub.id(), 1_000, 0, 100, true).stream().map(DueDelivery::msgId).toList());
        }

        // A sequence behind the stored keys (as if its last value were lost): the next start moves it past them.
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            st.execute("ALTER SEQUENCE " + MessageEntity.ID_SEQUENCE + " RESTART WITH 1");
            st.execute("ALTER SEQUENCE " + DeliveryEntity.ID_SEQUENCE + " RESTART WITH 1");
            st.execute("SHUTDOWN");
        }
        try (TestDatabase db = TestDatabase.inFiles(dir)) {
            Store store = db.preparedStore();
            SubscriptionRow sub = store.loadTopics().get(0).subscriptions().get(0);
            store.write(messages("again", 2, sub), List.of());

            assertEquals(List.of("old0", "old1", "old2", "new0", "new1", "new2", "again0", "again1"), msgIdsByKey(db));
            assertEquals(8, db.countMessages());
            assertEquals(8L, value(db, "SELECT COUNT(DISTINCT ID) FROM COURIER_DELIVERY"));
            assertEquals(List.of("old0", "old1", "old2", "new0", "new1", "new2", "again0", "again1"),
                    store.fetchDue(sub.id(), 1_000, 0, 100, true).stream().map(DueDelivery::msgId)
                            .collect(Collectors.toList()));
        }
    }
}
