package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HSQLDB, embedded: one process owns the database files (HSQLDB's lock file), so schema changes need no lock of
 * their own. Its commits are made durable at once (write delay off, also for a database created with the default
 * delay), its tables kept on disk rather than on the heap (CACHED tables) so a backlog costs disk, not memory,
 * its key sequences ahead of the stored keys, and the queue's statements kept prepared per session.
 */
final class HsqldbDialect implements Dialect {

    private static final Logger LOG = LoggerFactory.getLogger(HsqldbDialect.class);

    /**
     * A key sequence, the block OpenJPA takes from it, and the columns its keys are stored in, each the first
     * column of an index. A database written before the keys came from sequences has IDENTITY columns (GENERATED
     * BY DEFAULT: they accept the keys the store now sets) and rows with keys the new sequence knows nothing of.
     * A message's key is in its row, or in its delivery's row for a message kept there.
     */
    private record KeySequence(String name, int allocation, List<KeyColumn> columns) {
    }

    private record KeyColumn(String table, String column) {
    }

    private static final List<KeySequence> KEY_SEQUENCES = List.of(
            new KeySequence(MessageEntity.ID_SEQUENCE, MessageEntity.ID_ALLOCATION,
                    List.of(new KeyColumn("COURIER_MESSAGE", "ID"), new KeyColumn("COURIER_DELIVERY", "MESSAGE_ID"))),
            new KeySequence(DeliveryEntity.ID_SEQUENCE, DeliveryEntity.ID_ALLOCATION,
                    List.of(new KeyColumn("COURIER_DELIVERY", "ID"))));

    @Override
    public String product() {
        return "HSQLDB";
    }

    @Override
    public String driverClass() {
        return "org.hsqldb.jdbc.JDBCDriver";
    }

    @Override
    public String feature() {
        return "courier-hsqldb";
    }

    @Override
    public String openJpaDictionary() {
        return "hsql(batchLimit=1000,disableAlterSeqenceIncrementBy=true)";
    }

    @Override
    public List<String> sessionSql() {
        return List.of();
    }

    @Override
    public Map<String, String> connectionProperties() {
        return Map.of();
    }

    @Override
    public boolean validateConnections() {
        return false; // in the same process: a connection fails only with the database, which the store restarts with
    }

    @Override
    public void lockSchema(Connection c) {
        // HSQLDB's lock file keeps every other process out of the database
    }

    @Override
    public String textType() {
        return "VARCHAR(" + MessageEntity.MAX_DATA_CHARS + ")"; // kept in the row: a CLOB costs a LOB store lookup
    }

    @Override
    public boolean sharedByNodes() {
        return false; // embedded: its lock file keeps every other process out
    }

    @Override
    public String currentMillis() {
        return "UNIX_MILLIS()";
    }

    @Override
    public WakeChannel wakeChannel(DataSource pool, String incarnation, LongConsumer wakeHere) {
        return WakeChannel.NONE;
    }

    @Override
    public String createTable(String name, String columns, TableUse use) {
        return "CREATE CACHED TABLE IF NOT EXISTS " + name + " (" + columns + ")";
    }

    /** HSQLDB frees a deleted row's space and index entries at once. */
    @Override
    public Optional<String> vacuumQueue() {
        return Optional.empty();
    }

    @Override
    public void prepare(Connection c, KeptStatements kept) throws SQLException {
        tune(c);
        syncKeySequences(c);
        kept.keepPerSession(c);
    }

    private static void tune(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET FILES WRITE DELAY FALSE");
            st.execute("SET DATABASE DEFAULT TABLE TYPE CACHED");
            List<String> memoryTables = new ArrayList<>();
            // TABLE_TYPE is always 'TABLE' in HSQLDB 2.7; MEMORY or CACHED is in HSQLDB_TYPE
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.SYSTEM_TABLES"
                    + " WHERE TABLE_SCHEM = 'PUBLIC' AND HSQLDB_TYPE = 'MEMORY' AND TABLE_NAME LIKE 'COURIER%'")) {
                while (rs.next()) {
                    memoryTables.add(rs.getString(1));
                }
            }
            for (String table : memoryTables) {
                LOG.info("Moving table {} from memory to disk (CACHED)", table);
                st.execute("SET TABLE " + table + " TYPE CACHED");
            }
        }
    }

    /**
     * Makes each key sequence step by the block OpenJPA takes from it, and moves it past the largest stored key
     * (a database from before the sequences, or a sequence value lost in a crash). It takes one value first: that
     * also moves it past any block OpenJPA already holds, so it only ever goes forward and keys never repeat.
     * Keys handed out later stay above every stored key, which keeps publish order in the delivery query. A
     * sequence of HSQLDB's default type, INTEGER, is made a BIGINT one, like the keys it serves.
     */
    private static void syncKeySequences(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (KeySequence s : KEY_SEQUENCES) {
                String sequence = s.name();
                st.execute("ALTER SEQUENCE " + sequence + " INCREMENT BY " + s.allocation());
                long next;
                try (ResultSet rs = st.executeQuery("VALUES NEXT VALUE FOR " + sequence)) {
                    rs.next();
                    next = rs.getLong(1);
                }
                if (!"BIGINT".equals(dataType(c, sequence))) {
                    // HSQLDB's default type, as OpenJPA created it for earlier versions: after 2^31 keys it would
                    // refuse every publish. Each DDL statement commits on its own: after a crash between the two, the
                    // schema's step creates the sequence again from 1, which the largest stored key below moves on,
                    // and the next start widens.
                    LOG.debug("Widening key sequence {} to BIGINT", sequence);
                    st.execute("DROP SEQUENCE " + sequence);
                    st.execute("CREATE SEQUENCE " + sequence + " AS BIGINT START WITH " + next + " INCREMENT BY "
                            + s.allocation());
                }
                for (KeyColumn k : s.columns()) {
                    String table = k.table();
                    String column = k.column();
                    long max;
                    // not MAX(...): HSQLDB reads every row for it (about a second per million); this reads one,
                    // backwards from the end of the column's index
                    try (ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table + " ORDER BY " + column
                            + " DESC FETCH FIRST 1 ROWS ONLY")) {
                        max = rs.next() ? rs.getLong(1) : 0;
                    }
                    if (next <= max) {
                        LOG.info("Moving key sequence {} past the largest key of {}.{}: {}", sequence, table, column,
                                max);
                        st.execute("ALTER SEQUENCE " + sequence + " RESTART WITH " + (max + 1));
                        next = max + 1;
                    }
                }
            }
        }
    }

    private static String dataType(Connection c, String sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT DATA_TYPE FROM INFORMATION_SCHEMA.SEQUENCES"
                + " WHERE SEQUENCE_SCHEMA = CURRENT_SCHEMA AND SEQUENCE_NAME = ?")) {
            ps.setString(1, sequence);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
