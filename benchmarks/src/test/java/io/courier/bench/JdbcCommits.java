package io.courier.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A database's per-commit and batch limits through plain JDBC: rows of a 256-byte payload inserted into the
 * table {@code MSG (ID, MSG_ID, DATA, PUBLISHED)} and committed, from one or more threads, each on a connection
 * of its own. Shared by the HSQLDB and PostgreSQL baselines.
 */
final class JdbcCommits {

    /** Opens a connection to the database measured. */
    interface Connect {
        Connection open() throws SQLException;
    }

    private static final AtomicLong IDS = new AtomicLong();

    private JdbcCommits() {
    }

    /**
     * Records {@code key}: rows per second, {@code rowsPerCommit} rows per commit from {@code threads} threads, in
     * rounds after a warm-up round.
     */
    static void measure(String key, int threads, int rowsPerCommit, Connect connect) throws Exception {
        Connection[] connections = new Connection[threads];
        PreparedStatement[] inserts = new PreparedStatement[threads];
        try {
            for (int i = 0; i < threads; i++) {
                connections[i] = connect.open();
                connections[i].setAutoCommit(false);
                inserts[i] = connections[i].prepareStatement(
                        "INSERT INTO MSG (ID, MSG_ID, DATA, PUBLISHED) VALUES (?,?,?,?)");
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
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            System.err.println("Closing a connection: " + e);
        }
    }
}
