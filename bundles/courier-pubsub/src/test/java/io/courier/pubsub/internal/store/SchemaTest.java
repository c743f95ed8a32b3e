package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.persistence.Persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.courier.pubsub.internal.store.TestDatabase.Kind;

/** The schema's creation and upgrade: from a database of an earlier build, and by several processes at once. */
class SchemaTest {

    /**
     * A database written before the schema had versions (its tables made by OpenJPA) opens as the store opens in
     * Karaf: what it held is delivered in order, dead letters are kept, the schema is at the current version, and
     * new messages get keys above the stored ones.
     */
    @Test
    void aDatabaseOfAnEarlierBuildIsUpgradedInPlaceAndKeepsWhatItHeld(@TempDir Path dir) throws Exception {
        String url = "jdbc:hsqldb:file:" + dir.resolve("courier").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            for (String sql : script("/schema/hsqldb-before-versions.sql")) {
                st.execute(sql);
            }
            st.execute("SHUTDOWN");
        }

        DatabaseSettings settings = DatabaseSettings.resolve(Map.of("url", url), Map.of(), "unused");
        try (Database database = Database.open(settings, Dialect.of(url).orElseThrow(), new org.hsqldb.jdbc.JDBCDriver(),
                props -> Persistence.createEntityManagerFactory("courier", props))) {
            Store store = database.store();
            TopicRow topic = store.loadTopics().get(0);
            SubscriptionRow sub = topic.subscriptions().get(0);
            assertEquals("svc", topic.name());
            assertEquals(7, sub.id());

            store.write(List.of(new NewMessage("new-1", false, topic.id(), List.of(sub.id()), "{\"n\":4}",
                    "application/json", 5, "c4", null, null, null, 1400, 0)), List.of());
            List<DueDelivery> due = store.fetchDue(sub.id(), 2_000, 0, 100, true);
            assertEquals(List.of("old-2", "old-3", "new-1"), due.stream().map(DueDelivery::msgId).toList(),
                    "pending messages of the old database first, in publish order, then the new one");
            assertEquals("retry me", due.get(1).lastError());
            assertTrue(due.get(2).messageSeq() > 1003, "a new key above the stored ones: " + due.get(2).messageSeq());
            assertEquals(List.of("old-1"), store.browse(List.of(sub.id()), true, 0, 10).stream()
                    .map(DueDelivery::msgId).toList(), "the dead letter is kept");
        }
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT VERSION FROM COURIER_SCHEMA");
            rs.next();
            assertEquals(Schema.VERSION, rs.getInt(1));
            st.execute("SHUTDOWN");
        }
    }

    /**
     * A database at version 1, holding pending and dead messages for one subscription and a shared topic's message
     * (each in a message row, as version 1 kept every message), brought to the current version: what it held is
     * delivered before what is published after, acknowledged, and retried by id as on the day it was stored; a new
     * message for one subscription is kept in its delivery's row.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aVersion1DatabaseIsUpgradedAndWhatItHeldGoesOnAlongsideNewMessages(Kind kind) {
        try (TestDatabase db = TestDatabase.of(kind)) {
            assertEquals(0, db.migrate(1));
            Store v1 = db.newStore(); // topics and subscriptions are as they were
            SubscriptionRow svc = v1.ensureSubscriptions("svc", List.of("svc"), 1).get(0);
            SubscriptionRow x = v1.ensureSubscriptions("x", List.of("/t"), 1).get(0);
            SubscriptionRow y = v1.ensureSubscriptions("y", List.of("/t"), 1).get(0);
            long pending = storeAsVersion1(db, "old-1", svc.topicId(), "PENDING", null, svc.id());
            storeAsVersion1(db, "old-2", svc.topicId(), "DEAD", "boom", svc.id());
            storeAsVersion1(db, "old-shared", x.topicId(), "PENDING", null, x.id(), y.id());

            Store store = db.preparedStore();
            assertEquals(String.valueOf(Schema.VERSION), db.value("SELECT VERSION FROM COURIER_SCHEMA"));
            assertEquals(new QueueCounts(1, 1), store.queueCounts().get(svc.id()), "what it held, counted");
            assertEquals(new QueueCounts(1, 0), store.queueCounts().get(y.id()));
            store.write(List.of(new NewMessage("new-1", false, svc.topicId(), List.of(svc.id()), "{\"n\":1}",
                    "application/json", 5, "c-new", null, null, "pub", 3_000, 0)), List.of());
            assertEquals(List.of("old-1", "old-2", "old-shared"),
                    db.query("SELECT MSGID FROM COURIER_MESSAGE ORDER BY ID").stream().map(r -> r.get(0)).toList(),
                    "the new message for one subscription has no row of its own");

            List<DueDelivery> due = store.fetchDue(svc.id(), 5_000, 0, 10, false);
            assertEquals(List.of("old-1", "new-1"), due.stream().map(DueDelivery::msgId).toList());
            assertEquals(pending, due.get(0).messageSeq());
            assertEquals("{\"old\":\"old-1\"}", due.get(0).data());
            assertTrue(due.get(0).messageRow());
            assertEquals("{\"n\":1}", due.get(1).data());
            assertEquals("c-new", due.get(1).correlationId());
            assertEquals("pub", due.get(1).publisher());
            assertFalse(due.get(1).messageRow());
            BatchOutcome done = new BatchOutcome();
            due.forEach(done::delivered);
            store.write(List.of(), List.of(new Acknowledgement(svc.id(), done, 5_000)));
            assertEquals(List.of("old-2", "old-shared"), db.storedMsgIds());

            assertEquals(1, store.retryDead(List.of(svc.id()), "old-2", 6_000));
            assertEquals(List.of("old-2"), store.fetchDue(svc.id(), 6_000, 0, 10, false).stream()
                    .map(DueDelivery::msgId).toList());

            assertEquals(2, store.deliveriesOf("old-shared").size());
            for (SubscriptionRow sub : List.of(x, y)) {
                BatchOutcome shared = new BatchOutcome();
                store.fetchDue(sub.id(), 5_000, 0, 10, false).forEach(shared::delivered);
                store.write(List.of(), List.of(new Acknowledgement(sub.id(), shared, 5_000)));
            }
            assertEquals(List.of("old-2"), db.storedMsgIds(), "the shared message's row went with its last delivery");
        }
    }

    /**
     * HSQLDB commits each statement of a step as it runs: a start killed halfway through step 2 leaves some of its
     * columns made, and the next start runs the step again, from the start, without an error.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStepStoppedHalfwayRunsAgainAtTheNextStart(Kind kind) {
        try (TestDatabase db = TestDatabase.of(kind)) {
            db.migrate(1);
            db.execute("ALTER TABLE COURIER_DELIVERY ADD COLUMN MSGID VARCHAR(200)");
            db.execute("ALTER TABLE COURIER_DELIVERY ADD COLUMN TOPICID BIGINT");

            assertEquals(1, db.migrate());
            assertEquals(String.valueOf(Schema.VERSION), db.value("SELECT VERSION FROM COURIER_SCHEMA"));
            Store store = db.preparedStore();
            SubscriptionRow sub = store.ensureSubscriptions("svc", List.of("svc"), 1).get(0);
            store.write(List.of(new NewMessage("m1", false, sub.topicId(), List.of(sub.id()), "{}", "application/json",
                    5, "c", null, null, null, 1_000, 0)), List.of());
            assertEquals(List.of("m1"), store.fetchDue(sub.id(), 2_000, 0, 10, false).stream().map(DueDelivery::msgId)
                    .toList());
        }
    }

    /** A message as version 1 stored it: a message row, a delivery row per subscription; returns its key. */
    private static long storeAsVersion1(TestDatabase db, String msgId, long topicId, String state, String error,
            long... subscriptionIds) {
        long key = db.nextValue(MessageEntity.ID_SEQUENCE);
        db.execute("INSERT INTO COURIER_MESSAGE (ID, MSGID, TOPICID, DATA, MIMETYPE, PRIORITY, CORRELATIONID,"
                + " PUBLISHEDAT, EXPIRESAT) VALUES (" + key + ", '" + msgId + "', " + topicId + ", '{\"old\":\"" + msgId
                + "\"}', 'application/json', 5, 'c-" + msgId + "', 1000, 0)");
        for (long sub : subscriptionIds) {
            db.execute("INSERT INTO COURIER_DELIVERY (ID, MESSAGE_ID, SUBSCRIPTIONID, STATE, PRIORITY, ATTEMPTS,"
                    + " NEXTATTEMPTAT, LASTATTEMPTAT, LASTERROR) VALUES (" + db.nextValue(DeliveryEntity.ID_SEQUENCE)
                    + ", " + key + ", " + sub + ", '" + state + "', 5, 1, 1000, 0, "
                    + (error == null ? "NULL" : "'" + error + "'") + ")");
        }
        return key;
    }

    /** Three nodes starting at once on one new PostgreSQL database: the schema is made once, none of them fails. */
    @Test
    void nodesStartingTogetherOnPostgresqlMakeTheSchemaOnce() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            int nodes = 3;
            ExecutorService pool = Executors.newFixedThreadPool(nodes);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> found = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    Callable<Integer> migrate = () -> {
                        go.await();
                        return db.migrate();
                    };
                    found.add(pool.submit(migrate));
                }
                go.countDown();
                List<Integer> versions = new ArrayList<>();
                for (Future<Integer> f : found) {
                    versions.add(f.get(60, TimeUnit.SECONDS));
                }
                Collections.sort(versions);
                assertEquals(List.of(0, Schema.VERSION, Schema.VERSION), versions,
                        "the version each node found: one made the schema, the others found it made");
                assertEquals(String.valueOf(Schema.VERSION), db.value("SELECT VERSION FROM COURIER_SCHEMA"));
                assertEquals("1", db.value("SELECT COUNT(*) FROM COURIER_SCHEMA"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * On a database that nodes share, an upgrade by a step that nodes of the earlier build cannot work with waits
     * while one of them runs: the node upgrading is refused, with the running node's name, and upgrades once it has
     * stopped. A step they can work with goes ahead while one runs.
     */
    @Test
    void anUpgradeEarlierNodesCannotWorkWithWaitsUntilTheyStopOneTheyCanGoesAhead() {
        try (TestDatabase db = TestDatabase.postgres()) {
            db.migrate(3);
            db.execute("INSERT INTO COURIER_NODE (NAME, INCARNATION, STARTEDAT, HEARTBEATAT, INFLIGHT) VALUES"
                    + " ('node-1', 'i-1', 0, " + NOW + ", 0)");

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> db.migrate(4));
            assertTrue(refused.getMessage().contains("at version 3 and this build needs version 4")
                    && refused.getMessage().contains("nodes node-1 run on this database"), refused.getMessage());
            assertEquals("3", db.value("SELECT VERSION FROM COURIER_SCHEMA"), "nothing changed");

            db.execute("UPDATE COURIER_NODE SET STOPPEDAT = " + NOW);
            assertEquals(3, db.migrate(4));
            assertEquals("4", db.value("SELECT VERSION FROM COURIER_SCHEMA"));

            db.execute("UPDATE COURIER_NODE SET STOPPEDAT = NULL, HEARTBEATAT = " + NOW);
            assertEquals(4, db.migrate(5), "version 5 only adds a column the earlier nodes do not read");
            assertEquals("5", db.value("SELECT VERSION FROM COURIER_SCHEMA"));
        }
    }

    /** The database's clock in milliseconds, on PostgreSQL. */
    private static final String NOW = "CAST(EXTRACT(EPOCH FROM CLOCK_TIMESTAMP()) * 1000 AS BIGINT)";

    /** The statements of a script on the class path, one per line; lines starting with -- are comments. */
    private static List<String> script(String resource) throws IOException {
        try (InputStream in = SchemaTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("--")).toList();
        }
    }
}
