package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, a server that several Courier nodes may share. Every session commits durably
 * ({@code synchronous_commit = on}, whatever the server's default: a publish is acknowledged only once a crash of
 * PostgreSQL could not forget it). Schema changes are serialised by an advisory lock held until their
 * transaction ends, and PostgreSQL's DDL is transactional: a step is done once and wholly. The queue's tables
 * are mostly inserted into and deleted from: autovacuum visits them after 1% of their rows died (the default,
 * 20%, lets dead rows pile up under a backlog and slows every index walk of the queue), and the store vacuums
 * them itself after every 10,000 acknowledgements ({@link QueueVacuum}); topics and subscriptions are a few rows
 * updated about once a second ({@link Tallies}): half of each page is left free so those updates stay in their
 * page (HOT updates, no index change) and are vacuumed after every 1000 dead rows.
 */
final class PostgresDialect implements Dialect {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDialect.class);

    /** The advisory lock's key for schema changes: "Courier" in ASCII. */
    static final long SCHEMA_LOCK = 0x436F7572696572L;

    /** The most rows the driver puts in one insert (see {@link #connectionProperties}). */
    static final int ROWS_PER_INSERT = 8;

    @Override
    public String product() {
        return "PostgreSQL";
    }

    @Override
    public String driverClass() {
        return "org.postgresql.Driver";
    }

    @Override
    public String feature() {
        return "courier-postgresql";
    }

    @Override
    public String openJpaDictionary() {
        return "postgres(batchLimit=1000,disableAlterSeqenceIncrementBy=true)";
    }

    @Override
    public List<String> sessionSql() {
        return List.of("SET synchronous_commit = on");
    }

    /**
     * The driver sends a JDBC batch of inserts as inserts of several rows each, in blocks of a power of two rows, at
     * most {@value #ROWS_PER_INSERT} (a group commit of eight publishes: one insert for the server to run, not eight;
     * of seven: three). The server gets a block's data in one message, which it refuses above 1 GB: eight messages of
     * the largest size, 16 Mi characters (up to 64 MiB in UTF-8), stay below half of it.
     */
    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("reWriteBatchedInserts", "true", "reWriteBatchedInsertsSize", String.valueOf(ROWS_PER_INSERT));
    }

    @Override
    public boolean validateConnections() {
        return true; // the server may have restarted since the connection was last used
    }

    @Override
    public void lockSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        }
    }

    @Override
    public String textType() {
        return "TEXT";
    }

    @Override
    public boolean sharedByNodes() {
        return true;
    }

    @Override
    public String currentMillis() {
        return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    }

    @Override
    public WakeChannel wakeChannel(DataSource pool, String incarnation, LongConsumer wakeHere) {
        try {
            return new PostgresWakeChannel(pool, incarnation, wakeHere);
        } catch (LinkageError e) {
            // org.postgresql is an optional import of this bundle: not wired if the driver came after it
            LOG.warn("Courier cannot listen for the other nodes' wake-ups ({}): their work is found by the sweep."
                    + " Refresh the courier-pubsub bundle (bundle:refresh) to wire it to the PostgreSQL driver",
                    e.toString());
            return WakeChannel.NONE;
        }
    }

    @Override
    public String createTable(String name, String columns, TableUse use) {
        String options = switch (use) {
        case QUEUE -> "fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,"
                + " autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01";
        case COUNTERS -> "fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000";
        };
        return "CREATE TABLE IF NOT EXISTS " + name + " (" + columns + ") WITH (" + options + ")";
    }

    /** SKIP_LOCKED: a table another vacuum holds is left to it; INDEX_CLEANUP ON: the index entries are what matter. */
    @Override
    public Optional<String> vacuumQueue() {
        return Optional.of("VACUUM (SKIP_LOCKED, INDEX_CLEANUP ON) COURIER_DELIVERY, COURIER_MESSAGE");
    }

    @Override
    public void prepare(Connection c, KeptStatements kept) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW fsync")) {
            if (rs.next() && !"on".equals(rs.getString(1))) {
                LOG.warn("PostgreSQL runs with fsync = {}: a crash of its machine can lose messages whose publish"
                        + " Courier acknowledged. Set fsync = on in postgresql.conf", rs.getString(1));
            }
        }
    }
}
