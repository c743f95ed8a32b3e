package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The nodes sharing the database, in {@code COURIER_NODE}: each node's row, written by its heartbeat and by no
 * other node while it beats. Every time is the database's clock ({@link Dialect#currentMillis}), so that nodes
 * whose clocks disagree still agree on who is live. A name is held by one running Courier at a time, told apart
 * by the incarnation each start makes up: a second node started with a name whose holder still beats is refused
 * the row until the holder stops or its heartbeat is older than the lease.
 */
final class NodeStatements {

    /** How long the row of a node that stopped or went silent is kept for people to see. */
    static final long FORGET_AFTER_MS = 7L * 24 * 3600 * 1000;
    /** The separator of the services column: service names hold no line breaks. */
    private static final String SEPARATOR = "\n";

    private final String now;
    private final boolean shared;

    NodeStatements(Dialect dialect) {
        this.now = dialect.currentMillis();
        this.shared = dialect.sharedByNodes();
    }

    /**
     * Writes the heartbeat of this node's incarnation: its own row updated; or the name's row taken over if its
     * holder stopped or is silent past the lease; or a new row.
     *
     * @return the live node that holds the name, if not this one (nothing written then)
     */
    Optional<NodeRow> beat(Connection c, NodeBeat beat, long leaseMs) throws SQLException {
        String services = String.join(SEPARATOR, beat.services());
        // the figures' column only when the beat carries them: a text column rewritten each beat costs HSQLDB a
        // copy of the stored text
        boolean stats = beat.stats() != null;
        try (PreparedStatement own = c.prepareStatement("UPDATE COURIER_NODE SET HEARTBEATAT = " + now
                + ", ADDRESS = ?, SERVICES = ?, INFLIGHT = ?, STOPPEDAT = NULL" + (stats ? ", STATS = ?" : "")
                + " WHERE NAME = ? AND INCARNATION = ?")) {
            int i = 1;
            own.setString(i++, beat.address());
            own.setString(i++, services);
            own.setInt(i++, beat.inFlight());
            if (stats) {
                own.setString(i++, beat.stats());
            }
            own.setString(i++, beat.name());
            own.setString(i, beat.incarnation());
            if (own.executeUpdate() == 1) {
                return Optional.empty();
            }
        }
        try (PreparedStatement take = c.prepareStatement("UPDATE COURIER_NODE SET INCARNATION = ?, ADDRESS = ?,"
                + " STARTEDAT = " + now + ", HEARTBEATAT = " + now + ", STOPPEDAT = NULL, SERVICES = ?, INFLIGHT = ?,"
                + " STATS = ? WHERE NAME = ? AND (STOPPEDAT IS NOT NULL OR HEARTBEATAT < " + now + " - ?)")) {
            take.setString(1, beat.incarnation());
            take.setString(2, beat.address());
            take.setString(3, services);
            take.setInt(4, beat.inFlight());
            take.setString(5, beat.stats());
            take.setString(6, beat.name());
            take.setLong(7, leaseMs);
            if (take.executeUpdate() == 1) {
                forgetOld(c);
                return Optional.empty();
            }
        }
        Optional<NodeRow> holder = node(c, beat.name());
        if (holder.isPresent()) {
            return holder;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO COURIER_NODE (NAME, INCARNATION, ADDRESS,"
                + " STARTEDAT, HEARTBEATAT, SERVICES, INFLIGHT, STATS) VALUES (?, ?, ?, " + now + ", " + now
                + ", ?, ?, ?)")) {
            insert.setString(1, beat.name());
            insert.setString(2, beat.incarnation());
            insert.setString(3, beat.address());
            insert.setString(4, services);
            insert.setInt(5, beat.inFlight());
            insert.setString(6, beat.stats());
            insert.executeUpdate();
        }
        forgetOld(c);
        return Optional.empty();
    }

    /** Marks this node's incarnation stopped: it holds nothing any more, and others see it left on purpose. */
    void leave(Connection c, String name, String incarnation) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE COURIER_NODE SET STOPPEDAT = " + now
                + ", INFLIGHT = 0 WHERE NAME = ? AND INCARNATION = ?")) {
            st.setString(1, name);
            st.setString(2, incarnation);
            st.executeUpdate();
        }
    }

    /** Every node's row, by name, with how long ago each beat by the database's clock. */
    List<NodeRow> nodes(Connection c) throws SQLException {
        List<NodeRow> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(select("") + " ORDER BY NAME");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs));
            }
        }
        return rows;
    }

    private Optional<NodeRow> node(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(select(" WHERE NAME = ?"))) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private String select(String where) {
        return "SELECT NAME, INCARNATION, ADDRESS, STARTEDAT, HEARTBEATAT, STOPPEDAT, SERVICES, INFLIGHT, " + now
                + " - HEARTBEATAT, STATS FROM COURIER_NODE" + where;
    }

    private static NodeRow row(ResultSet rs) throws SQLException {
        long stoppedAt = rs.getLong(6);
        boolean stopped = !rs.wasNull();
        String services = rs.getString(7);
        return new NodeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                stopped ? stoppedAt : null,
                services == null || services.isEmpty() ? List.of() : List.of(services.split(SEPARATOR)),
                rs.getInt(8), rs.getLong(9), rs.getString(10));
    }

    /**
     * Deletes the rows of nodes silent for longer than {@link #FORGET_AFTER_MS}, and folds their queue counts into
     * the row of no node where nodes share the database: a node's start is seldom.
     */
    private void forgetOld(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM COURIER_NODE WHERE HEARTBEATAT < " + now
                + " - ?")) {
            st.setLong(1, FORGET_AFTER_MS);
            st.executeUpdate();
        }
        if (shared) {
            QueueStatements.foldCountsOfForgottenNodes(c);
        }
    }
}
