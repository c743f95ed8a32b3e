package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** The statements of a script on the class path, one per line; lines starting with -- are comments. */
    private static List<String> script(String resource) throws IOException {
        try (InputStream in = SchemaTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("--")).toList();
        }
    }
}
