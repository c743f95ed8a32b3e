package io.courier.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Baseline (a): plain JDBC into HSQLDB with Courier's own database settings (write delay off, so one fsync per
 * commit; cached tables; MVCC), in the harness's JVM: single-row insert+commit from 1 and 8 threads (the
 * per-commit limit) and 100 rows per commit (the batch limit), by {@link JdbcCommits}. Rows per second.
 */
public class JdbcBaselineIT {

    private static final String URL_SETTINGS = ";hsqldb.write_delay=false;hsqldb.default_table_type=cached"
            + ";hsqldb.tx=mvcc;hsqldb.lock_file=true";
    private static String url;

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
        Bench.settleDisk("the JDBC baselines");
        JdbcCommits.Connect connect = () -> DriverManager.getConnection(url, "SA", "");
        JdbcCommits.measure("jdbc.commit1.t1", 1, 1, connect);
        JdbcCommits.measure("jdbc.commit1.t8", 8, 1, connect);
        JdbcCommits.measure("jdbc.commit100.t1", 1, 100, connect);
    }
}
