package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on HSQLDB, embedded: every test of {@link StoreTest}, and what HSQLDB needs of its own. */
class HsqldbStoreTest extends StoreTest {

    @Override
    protected TestDatabase open() {
        return TestDatabase.inMemory();
    }

    // ---- prepare ---------------------------------------------------------------------------------------

    @Test
    void prepareCreatesTheTablesAndMayRunAgain() {
        assertEquals(Set.of("COURIER_SCHEMA", "COURIER_TOPIC", "COURIER_SUBSCRIPTION", "COURIER_MESSAGE",
                "COURIER_DELIVERY", "COURIER_NODE"),
                db.query("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.SYSTEM_TABLES"
                        + " WHERE TABLE_SCHEM = 'PUBLIC' AND TABLE_NAME LIKE 'COURIER%'").stream()
                        .map(r -> r.get(0)).collect(Collectors.toSet()));
        assertEquals(List.of(), store.loadTopics());
        assertEquals(0, db.countMessages());

        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("m1", 5, 1_000, sub)));
        assertEquals(Schema.VERSION, db.migrate()); // as on every restart of pub/sub
        db.newStore().prepare();

        assertEquals(1, db.countMessages());
        assertEquals(List.of("m1"), due(sub, 1_000, false));
    }

    @Test
    void prepareTurnsOffTheWriteDelayOfAnExistingFileDatabase(@TempDir Path dir) {
        try (TestDatabase files = TestDatabase.inFiles(dir)) {
            String writeDelay = "SELECT PROPERTY_VALUE FROM INFORMATION_SCHEMA.SYSTEM_PROPERTIES"
                    + " WHERE PROPERTY_NAME = 'hsqldb.write_delay'";
            String writeDelayMillis = "SELECT PROPERTY_VALUE FROM INFORMATION_SCHEMA.SYSTEM_PROPERTIES"
                    + " WHERE PROPERTY_NAME = 'hsqldb.write_delay_millis'";
            // HSQLDB's defaults for a database created without settings: commits reach the disk up to 500 ms late.
            assertEquals("true", files.value(writeDelay));
            assertNotEquals("0", files.value(writeDelayMillis));

            files.preparedStore();

            assertEquals("false", files.value(writeDelay));
            assertEquals("0", files.value(writeDelayMillis));
            // Tables created from now on are CACHED (on disk).
            assertEquals("CACHED", files.value("SELECT PROPERTY_VALUE FROM INFORMATION_SCHEMA.SYSTEM_PROPERTIES"
                    + " WHERE PROPERTY_NAME = 'hsqldb.default_table_type'"));
        }
    }

    @Test
    void prepareKeepsTheCourierTablesOnDiskInAFileDatabase(@TempDir Path dir) {
        try (TestDatabase files = TestDatabase.inFiles(dir)) {
            files.preparedStore();

            // HSQLDB 2.7 reports TABLE_TYPE = 'TABLE' for every table; MEMORY or CACHED is in HSQLDB_TYPE.
            Map<String, String> kinds = files.query("SELECT TABLE_NAME, HSQLDB_TYPE FROM INFORMATION_SCHEMA.SYSTEM_TABLES"
                    + " WHERE TABLE_SCHEM = 'PUBLIC' AND TABLE_NAME LIKE 'COURIER%'").stream()
                    .collect(Collectors.toMap(r -> r.get(0), r -> r.get(1)));
            assertEquals(Map.of("COURIER_SCHEMA", "CACHED", "COURIER_TOPIC", "CACHED", "COURIER_SUBSCRIPTION", "CACHED",
                    "COURIER_MESSAGE", "CACHED", "COURIER_DELIVERY", "CACHED", "COURIER_NODE", "CACHED"), kinds);
        }
    }

    // ---- topics and subscriptions ----------------------------------------------------------------------

    /**
     * HSQLDB's plan for the fetch: the deliveries chosen by walking the queue index, in its order, as far as the
     * limit (no sort of the subscription's whole queue), and the message rows some of them share read by key.
     */
    @Test
    void theFetchWalksTheQueueIndexAndReadsMessageRowsByKey() {
        String plan = db.query("EXPLAIN PLAN FOR " + QueueStatements.FETCH).toString().replaceAll("\\s+", " ");
        String deliveries = plan.substring(plan.indexOf("SUBQUERIES"));
        assertTrue(deliveries.contains("index=COURIER_DELIVERY_QUEUE") && deliveries.contains("uses index")
                && deliveries.contains("limit="), "the deliveries through the queue index, in its order: " + plan);
        String messages = plan.substring(plan.indexOf("table=COURIER_MESSAGE"), plan.indexOf("SUBQUERIES"));
        assertTrue(messages.contains("access=INDEX PRED") && messages.contains("index=SYS_PK_"),
                "the message rows by key: " + plan);
    }
}
