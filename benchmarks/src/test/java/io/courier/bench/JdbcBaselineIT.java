package io.courier.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Baseline (a): plain JDBC into HSQLDB with Courier's own database settings (write delay off, so one fsync per
 * commit; cached tables; MVCC), in the harness's JVM: single-row insert+commit from 1 and 8 threads (the
 * per-commit limit) and 100 rows per commit (the batch limit). Rows per second.
 */
public class JdbcBaselineIT {

    private static final String URL_SETTINGS = ";hsqldb.write_delay=false;hsqldb.default_table_type=cached"
            + ";hsqldb.tx=mvcc;hsqldb.lock_file=true";
    private static String url;
    private static final AtomicLong IDS = new AtomicLong();

    @BeforeClass
    public static void createDatabase() throws Exception {
        Path db = Bench.dir().resolve("jdbc-" + System.currentTimeMillis()).resolve("db");
        url = "jdbc:hsqldb:file:" + db.toAbsolutePath() + URL_SETTINGS;
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            st.execute("CREATE CACHED TABLE MSG (ID BIGINT PRIMARY KEY, MSG_ID VARCHAR(64) NOT NULL,"
                    + " DATA VARCHAR(1048576) NOT NULL, PUBLISHED BIGINT NOT NULL)");
        }
    }

    @AfterClass
    public static void shutdown() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        }
    }

    @Test
    public void perCommitAndBatchLimits() throws Exception {
        measure("jdbc.commit1.t1", 1, 1);
        measure("jdbc.commit1.t8", 8, 1);
        measure("jdbc.commit100.t1", 1, 100);
    }

    private static void measure(String key, int threads, int rowsPerCommit) throws Exception {
        Connection[] connections = new Connection[threads];
        PreparedStatement[] inserts = new PreparedStatement[threads];
        for (int i = 0; i < threads; i++) {
            connections[i] = DriverManager.getConnection(url, "SA", "");
            connections[i].setAutoCommit(false);
            inserts[i] = connections[i].prepareStatement("INSERT INTO MSG (ID, MSG_ID, DATA, PUBLISHED) VALUES (?,?,?,?)");
        }
        Load.Op commit = t -> {
            PreparedStatement ps = inserts[t];
            for (int r = 0; r < rowsPerCommit; r++) {
                long id = IDS.incrementAndGet();
                ps.setLong(1, id);
                ps.setString(2, Long.toHexString(id) + "0123456789abcdef0123456789abcdef");
                ps.setString(3, Bench.payload(System.nanoTime()));
                ps.setLong(4, System.currentTimeMillis());
                if (rowsPerCommit == 1) {
                    ps.executeUpdate();
                } else {
                    ps.addBatch();
                }
            }
            if (rowsPerCommit > 1) {
                ps.executeBatch();
            }
            connections[t].commit();
        };
        try {
            Load.flatOut(threads, Bench.ROUND_MS, null, commit); // warm-up
            double[] rows = new double[Bench.ROUNDS];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = Load.flatOut(threads, Bench.ROUND_MS, null, commit) * rowsPerCommit;
            }
            Bench.record(key, "rows/s", rows);
        } finally {
            for (Connection c : connections) {
                close(c);
            }
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            System.err.println("Closing a connection: " + e);
        }
    }
}
