package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.hsqldb.jdbc.JDBCConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the queue's statements prepared in each database session, on HSQLDB. HSQLDB compiles a statement each
 * time one is prepared and forgets it when the statement closes: prepared per transaction, the statements of
 * the queue were compiled again for every commit and every fetch, which a flight recording showed as half of
 * the publish writer's time with one publisher. The pool lends the same few sessions over and over, so each
 * session keeps the statements it has prepared, for the next transaction that borrows it; a session the pool
 * closes takes its statements with it. (dbcp2's own statement pool does not help: it asks the connection for
 * its catalog and schema at every prepare, and HSQLDB answers each by running a statement.)
 * <p>
 * A kept statement is prepared on the session itself (the connection under the pool's and OpenJPA's
 * wrappers, which would close it when the connection goes back to the pool); it runs in the transaction of
 * the connection it was asked for, which is the same session. Only the borrower of a session runs its
 * statements, and the next borrower sees them through the pool's lending, which hands the session from one
 * thread to the next. On other databases, or once closed, each statement is prepared for one use and closed
 * after it.
 */
final class KeptStatements implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeptStatements.class);

    /** A statement for one use: closing it keeps a kept statement prepared, with its batch cleared. */
    record Use(PreparedStatement statement, boolean kept) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (kept) {
                statement.clearBatch(); // after a failed batch, what it held is not run with the next one
            } else {
                statement.close();
            }
        }
    }

    /** Whether statements are kept: on HSQLDB's sessions, until closed. */
    private volatile boolean keep;
    /** Each session's statements by their SQL. */
    private final Map<Connection, Map<String, PreparedStatement>> sessions = new ConcurrentHashMap<>();

    /**
     * Keeps statements from now on if this connection, as the store gets it, is an HSQLDB session under its
     * wrappers (and the driver's package, an optional import, is wired to this bundle).
     */
    void keepPerSession(Connection c) {
        try {
            keep = c.unwrap(JDBCConnection.class) != null; // not isWrapperFor: OpenJPA's looks one wrapper deep only
        } catch (SQLException | NoClassDefFoundError e) {
            keep = false;
        }
        if (!keep) {
            LOG.info("The HSQLDB session under the store's connections is out of reach: statements are prepared"
                    + " for each use");
        }
    }

    /** The statement for {@code sql} on the connection's session, prepared now or earlier. */
    Use prepare(Connection c, String sql) throws SQLException {
        if (!keep) {
            return new Use(c.prepareStatement(sql), false);
        }
        Connection session = c.unwrap(JDBCConnection.class);
        Map<String, PreparedStatement> kept = sessions.get(session);
        if (kept == null) {
            sessions.keySet().removeIf(KeptStatements::closed); // the pool closed them: their statements went along
            kept = new ConcurrentHashMap<>();
            sessions.put(session, kept);
        }
        PreparedStatement ps = kept.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = session.prepareStatement(sql);
            kept.put(sql, ps);
        }
        return new Use(ps, true);
    }

    /**
     * Closes every kept statement and keeps none from now on: the store is done with the database. Call it once
     * nothing uses the store; a statement still running would fail.
     */
    @Override
    public void close() {
        keep = false;
        for (Connection session : sessions.keySet()) {
            Map<String, PreparedStatement> kept = sessions.remove(session);
            for (PreparedStatement ps : kept == null ? List.<PreparedStatement>of() : kept.values()) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    LOG.debug("Closing a kept statement: {}", e.toString());
                }
            }
        }
    }

    /** How many sessions have statements kept. */
    int sessions() {
        return sessions.size();
    }

    private static boolean closed(Connection session) {
        try {
            return session.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
