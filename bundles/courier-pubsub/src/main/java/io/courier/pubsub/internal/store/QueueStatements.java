package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The statements on the path every message takes: storing published messages with their deliveries, fetching
 * a batch to deliver, recording what happened to a batch. They run as prepared JDBC statements on the connection
 * of the store's JPA transaction, so they commit with it, and stay prepared in its database session for the
 * next transaction ({@link KeptStatements}); the tables, columns and key sequences stay those the
 * entities define. Through entities and JPQL, this path cost about a millisecond of OpenJPA work per commit and
 * per fetched batch (entity managers, entity states, statements built per call), which on two cores capped
 * publishing well below the rate the disk allows. Each statement here is standard SQL, and each reads rows
 * through the index its WHERE clause names.
 * <p>
 * A message published to a topic with one subscription, the common case (a service's own topic), is kept in its
 * delivery's row (unless its caller chose its id, see {@link #keptInDelivery}): one row inserted and one deleted
 * in its whole life, and a commit of such publishes and their acknowledgements is three statements (insert,
 * delete, commit) where it was five. A message with several deliveries (a shared topic's) has a row of its own,
 * which they share; the fetch reads either through a left join.
 */
final class QueueStatements {

    /** A message's columns but its key and priority, in the order {@link #setMessageColumns} sets them. */
    private static final String MESSAGE_COLUMNS = "MSGID, TOPICID, DATA, MIMETYPE, CORRELATIONID, INREPLYTO,"
            + " EXTCLIENTID, PUBLISHER, PUBLISHEDAT, EXPIRESAT";
    private static final String MESSAGE_VALUES = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
    private static final String INSERT_MESSAGE = "INSERT INTO COURIER_MESSAGE (ID, PRIORITY, " + MESSAGE_COLUMNS
            + ") VALUES (?, ?, " + MESSAGE_VALUES + ")";
    /** A new delivery, claimed as it is stored or not (see {@link #insert}). */
    private static final String INSERT_DELIVERY = "INSERT INTO COURIER_DELIVERY (ID, MESSAGE_ID, SUBSCRIPTIONID, STATE,"
            + " PRIORITY, ATTEMPTS, NEXTATTEMPTAT, LASTATTEMPTAT, CLAIMEDBY) VALUES (?, ?, ?, '"
            + DeliveryEntity.PENDING + "', ?, 0, ?, 0, ?)";
    /** A delivery with its message in its row: INSERT_DELIVERY's columns, then the message's. */
    private static final String INSERT_DELIVERY_WITH_MESSAGE = "INSERT INTO COURIER_DELIVERY (ID, MESSAGE_ID,"
            + " SUBSCRIPTIONID, STATE, PRIORITY, ATTEMPTS, NEXTATTEMPTAT, LASTATTEMPTAT, CLAIMEDBY, " + MESSAGE_COLUMNS
            + ") VALUES (?, ?, ?, '" + DeliveryEntity.PENDING + "', ?, 0, ?, 0, ?, " + MESSAGE_VALUES + ")";

    /**
     * The newest pending delivery of the highest priority below a bound, with its next attempt: the queue index
     * walked backwards, one row.
     */
    static final String NEWEST = "SELECT PRIORITY, NEXTATTEMPTAT FROM COURIER_DELIVERY WHERE SUBSCRIPTIONID = ?"
            + " AND STATE = '" + DeliveryEntity.PENDING + "' AND PRIORITY < ? ORDER BY SUBSCRIPTIONID DESC, STATE DESC,"
            + " PRIORITY DESC, MESSAGE_ID DESC FETCH FIRST 1 ROWS ONLY";

    /** Due deliveries of one priority of a subscription: parameters subscription, priority, now, registered at. */
    private static final String DUE = "SUBSCRIPTIONID = ? AND STATE = '" + DeliveryEntity.PENDING + "' AND PRIORITY = ?"
            + " AND (NEXTATTEMPTAT <= ? OR LASTATTEMPTAT < ?)";

    /**
     * What a fetch returns of the deliveries {@code d} (chosen in a subquery or a WITH), with their messages: joined
     * as {@code messages} says, which yields {@code m}.
     */
    private static String select(String deliveries, String messages) {
        return "SELECT d.ID, d.ATTEMPTS, d.NEXTATTEMPTAT, d.LASTATTEMPTAT, d.LASTERROR, d.MESSAGE_ID, m.ID, "
                + messageColumns("MSGID", "TOPICID", "DATA", "MIMETYPE") + ", d.PRIORITY, "
                + messageColumns("CORRELATIONID", "INREPLYTO", "EXTCLIENTID", "PUBLISHER", "PUBLISHEDAT", "EXPIRESAT")
                + " FROM " + deliveries + " d LEFT JOIN " + messages + " ORDER BY d.MESSAGE_ID";
    }

    /**
     * One priority of a subscription's queue in publish order, the queue index walked forwards. Due: the next
     * attempt has come, or the last attempt was made before the service registered (a new registration does
     * not wait out the backoff of the previous one). The deliveries are chosen first, on their own, then joined to
     * the message rows some of them share: a join over the whole query let PostgreSQL's planner walk another index
     * of the deliveries and filter it, reading every other subscription's rows.
     */
    static final String FETCH = select("(SELECT * FROM COURIER_DELIVERY WHERE " + DUE
            + " ORDER BY SUBSCRIPTIONID, STATE, PRIORITY, MESSAGE_ID FETCH FIRST ? ROWS ONLY)",
            "COURIER_MESSAGE m ON m.ID = d.MESSAGE_ID");

    /** Each column from the message's row if it has one, else from the delivery's (the other side is empty). */
    private static String messageColumns(String... columns) {
        return Arrays.stream(columns).map(c -> "COALESCE(m." + c + ", d." + c + ")")
                .collect(Collectors.joining(", "));
    }

    private static final String NEXT_ATTEMPT = "SELECT MIN(NEXTATTEMPTAT) FROM COURIER_DELIVERY WHERE SUBSCRIPTIONID = ?"
            + " AND STATE = '" + DeliveryEntity.PENDING + "'";

    /** Only a pending delivery is acknowledged: the rows reached are the pending ones taken (see QueueDepths). */
    private static final String DELETE_DELIVERY = "DELETE FROM COURIER_DELIVERY WHERE ID = ? AND STATE = '"
            + DeliveryEntity.PENDING + "'";
    /**
     * Locks a shared message's row before its last deliveries may be found gone. Two transactions acknowledging the
     * message's last two deliveries at once (two nodes on one database) would each still see the other's delivery,
     * and neither delete the row; locked first, the second waits for the first to commit, then sees no delivery
     * left and deletes it.
     */
    private static final String LOCK_MESSAGE = "UPDATE COURIER_MESSAGE SET PRIORITY = PRIORITY WHERE ID = ?";
    private static final String DELETE_MESSAGE_IF_DONE = "DELETE FROM COURIER_MESSAGE WHERE ID = ? AND NOT EXISTS"
            + " (SELECT 1 FROM COURIER_DELIVERY WHERE MESSAGE_ID = ?)";
    /** A topic's last message, unless the row holds a newer one (another writer's). */
    private static final String UPDATE_TOPIC_LAST = "UPDATE COURIER_TOPIC SET LASTMSGID = ?, LASTMSGAT = ?,"
            + " LASTPREVIEW = ? WHERE ID = ? AND (LASTMSGAT IS NULL OR LASTMSGAT <= ?)";
    private static final String COUNT_DONE = "UPDATE COURIER_SUBSCRIPTION SET DELIVERED = DELIVERED + ?,"
            + " EXPIRED = EXPIRED + ?, LASTDELIVERYAT = CASE WHEN LASTDELIVERYAT IS NULL OR LASTDELIVERYAT < ? THEN ?"
            + " ELSE LASTDELIVERYAT END WHERE ID = ?";
    private static final String RECORD_FAILURE = "UPDATE COURIER_DELIVERY SET ATTEMPTS = ?, STATE = ?,"
            + " NEXTATTEMPTAT = ?, LASTATTEMPTAT = ?, LASTERROR = ? WHERE ID = ? AND STATE = '" + DeliveryEntity.PENDING
            + "'";

    private final KeptStatements statements;
    /** Null where one node has the database to itself; else the statements of a queue that nodes share. */
    private final Shared shared;

    QueueStatements(KeptStatements statements, Dialect dialect) {
        this.statements = statements;
        this.shared = dialect.sharedByNodes() ? new Shared(dialect.currentMillis()) : null;
    }

    /**
     * The queue where several nodes share the database. A node claims the deliveries it fetches: it writes its
     * incarnation in their {@code CLAIMEDBY}, having chosen them with {@code FOR UPDATE SKIP LOCKED}, so that two
     * nodes fetching at once never get the same rows. A claim holds while its node's heartbeat does: a delivery
     * whose claimant stopped, or whose heartbeat is older than the lease, may be claimed by another node; a node
     * may fetch its own claims again (what a batch left undelivered). A node records the outcome of a delivery
     * only if it still holds it (fencing): an outcome whose claim went to another node changes nothing. A failed
     * delivery's claim is let go, so that any node may make the next attempt. An ordered subscription is delivered
     * by one node at a time: the node in its {@code DELIVEREDBY}, held the same way.
     */
    private static final class Shared {

        /** Whether the delivery {@code d} may be claimed: parameters the claimant and the lease. */
        private final String claimable;
        private final String fetch;
        private final String holdOrdered;

        Shared(String now) {
            String live = "SELECT INCARNATION FROM COURIER_NODE WHERE STOPPEDAT IS NULL AND HEARTBEATAT >= " + now
                    + " - ?";
            claimable = "(d.CLAIMEDBY IS NULL OR d.CLAIMEDBY = ? OR d.CLAIMEDBY NOT IN (" + live + "))";
            fetch = "WITH chosen AS (SELECT ID FROM COURIER_DELIVERY d WHERE " + DUE + " AND " + claimable
                    + " ORDER BY SUBSCRIPTIONID, STATE, PRIORITY, MESSAGE_ID FETCH FIRST ? ROWS ONLY"
                    + " FOR UPDATE SKIP LOCKED), claimed AS (UPDATE COURIER_DELIVERY c SET CLAIMEDBY = ? FROM chosen"
                    + " WHERE c.ID = chosen.ID RETURNING c.*) " + select("claimed",
                            // looked up by key, delivery by delivery: joined whole, PostgreSQL hashed the claimed
                            // rows and read every message row (OFFSET 0 keeps the subquery from being merged in)
                            "LATERAL (SELECT * FROM COURIER_MESSAGE m WHERE m.ID = d.MESSAGE_ID OFFSET 0) m ON TRUE");
            holdOrdered = "UPDATE COURIER_SUBSCRIPTION SET DELIVEREDBY = ? WHERE ID = ? AND (DELIVEREDBY IS NULL"
                    + " OR DELIVEREDBY NOT IN (" + live + "))";
        }
    }

    /** Adds to a subscription's counts in a node's row of them (see {@link #count}). */
    private static final String ADD_TO_COUNTS = "INSERT INTO COURIER_QUEUE_COUNT (SUBSCRIPTIONID, NODE, PENDING, DEAD)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (SUBSCRIPTIONID, NODE) DO UPDATE SET PENDING = COURIER_QUEUE_COUNT.PENDING"
            + " + EXCLUDED.PENDING, DEAD = COURIER_QUEUE_COUNT.DEAD + EXCLUDED.DEAD";

    /**
     * Where nodes share the queue, records what a transaction changed in the subscriptions' counts of pending and
     * dead deliveries, in that transaction: added to the node's own row of each subscription's counts, so that no
     * two nodes wait for one row, in subscription order, so that no two transactions of a node wait for each other
     * in a circle. A subscription's counts are the sum of its rows, whichever nodes wrote them ({@link #counts}):
     * exact however the nodes come and go, read in a time that follows the subscriptions and nodes, not the backlog.
     */
    void count(Connection c, Claimant claimant, QueueDepths.Change change) throws SQLException {
        if (shared == null || change.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ADD_TO_COUNTS)) {
            for (Map.Entry<Long, QueueCounts> e : change.bySubscription().entrySet()) {
                ps.setLong(1, e.getKey());
                ps.setString(2, claimant.node());
                ps.setLong(3, e.getValue().pending());
                ps.setLong(4, e.getValue().dead());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Folds the rows of counts written under node names that are no longer in {@code COURIER_NODE} (forgotten
     * after a week of silence) into the row of no node, so that the rows follow the nodes of the last week, not
     * every name ever used. A row is taken whole, with the lock its deletion waits for: no addition to it is lost.
     */
    static void foldCountsOfForgottenNodes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH gone AS (DELETE FROM COURIER_QUEUE_COUNT q WHERE"
                + " q.NODE <> '' AND NOT EXISTS (SELECT 1 FROM COURIER_NODE n WHERE n.NAME = q.NODE)"
                + " RETURNING SUBSCRIPTIONID, PENDING, DEAD) INSERT INTO COURIER_QUEUE_COUNT (SUBSCRIPTIONID, NODE,"
                + " PENDING, DEAD) SELECT SUBSCRIPTIONID, '', SUM(PENDING), SUM(DEAD) FROM gone GROUP BY SUBSCRIPTIONID"
                + " ORDER BY SUBSCRIPTIONID ON CONFLICT (SUBSCRIPTIONID, NODE) DO UPDATE SET PENDING ="
                + " COURIER_QUEUE_COUNT.PENDING + EXCLUDED.PENDING, DEAD = COURIER_QUEUE_COUNT.DEAD + EXCLUDED.DEAD")) {
            ps.executeUpdate();
        }
    }

    /** Each subscription's counts of pending and dead deliveries, where nodes share the queue (see {@link #count}). */
    Map<Long, QueueCounts> counts(Connection c) throws SQLException {
        Map<Long, QueueCounts> counts = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT SUBSCRIPTIONID, SUM(PENDING), SUM(DEAD)"
                + " FROM COURIER_QUEUE_COUNT GROUP BY SUBSCRIPTIONID"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getLong(1), new QueueCounts(rs.getLong(2), rs.getLong(3)));
            }
        }
        return counts;
    }

    /**
     * The fetch of this queue: {@link #FETCH}'s parameters, where nodes share the queue with the claimant's
     * incarnation and lease after the fourth, and the incarnation again last.
     */
    String fetchSql() {
        return shared == null ? FETCH : shared.fetch;
    }

    /** Only a pending delivery this node holds is acknowledged (see {@link Shared}). */
    private static final String DELETE_CLAIMED = DELETE_DELIVERY + " AND CLAIMEDBY = ?";
    /** A delivery this node fetched and did not attempt: its claim let go. */
    private static final String RELEASE_CLAIM = "UPDATE COURIER_DELIVERY SET CLAIMEDBY = NULL WHERE ID = ?"
            + " AND CLAIMEDBY = ?";
    /** A failed delivery this node holds; its claim let go. */
    private static final String RECORD_CLAIMED_FAILURE = RECORD_FAILURE.replace(" WHERE ID = ?",
            ", CLAIMEDBY = NULL WHERE ID = ?") + " AND CLAIMEDBY = ?";

    /**
     * Inserts the messages: those for one subscription as deliveries that hold them, the others as message rows
     * and their deliveries; each kind of row as one JDBC batch. Keys are taken in the messages' order, whichever
     * table they go to: publish order. The deliveries {@code handOver} accepts (asked with their subscription) are
     * added to {@code handedOver}, as a fetch would read them, and where nodes share the queue are claimed by
     * {@code claimant} as they are stored: the node hands them to its workers in memory, and no other node may take
     * them meanwhile.
     */
    void insert(Connection c, Claimant claimant, List<NewMessage> messages, LongSupplier messageKeys,
            LongSupplier deliveryKeys, LongPredicate handOver, List<DueDelivery> handedOver) throws SQLException {
        long[] keys = new long[messages.size()];
        List<Integer> inDelivery = new ArrayList<>();
        List<Integer> withRow = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = messageKeys.getAsLong();
            (keptInDelivery(messages.get(i)) ? inDelivery : withRow).add(i);
        }
        if (!inDelivery.isEmpty()) {
            try (KeptStatements.Use use = statements.prepare(c, INSERT_DELIVERY_WITH_MESSAGE)) {
                PreparedStatement ps = use.statement();
                for (int i : inDelivery) {
                    NewMessage m = messages.get(i);
                    setDeliveryColumns(ps, claimant, deliveryKeys.getAsLong(), keys[i], false, m,
                            m.subscriptionIds().get(0), handOver, handedOver);
                    setMessageColumns(ps, 7, m);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (withRow.isEmpty()) {
            return;
        }
        try (KeptStatements.Use use = statements.prepare(c, INSERT_MESSAGE)) {
            PreparedStatement ps = use.statement();
            for (int i : withRow) {
                NewMessage m = messages.get(i);
                ps.setLong(1, keys[i]);
                ps.setInt(2, m.priority());
                setMessageColumns(ps, 3, m);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (withRow.stream().anyMatch(i -> !messages.get(i).subscriptionIds().isEmpty())) {
            try (KeptStatements.Use use = statements.prepare(c, INSERT_DELIVERY)) {
                PreparedStatement ps = use.statement();
                for (int i : withRow) {
                    NewMessage m = messages.get(i);
                    for (long subscriptionId : m.subscriptionIds()) {
                        setDeliveryColumns(ps, claimant, deliveryKeys.getAsLong(), keys[i], true, m, subscriptionId,
                                handOver, handedOver);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
    }

    /** Sets a new delivery's columns, parameters 1 to 6, and adds it to {@code handedOver} if it is handed over. */
    private void setDeliveryColumns(PreparedStatement ps, Claimant claimant, long id, long messageKey,
            boolean messageRow, NewMessage m, long subscriptionId, LongPredicate handOver, List<DueDelivery> handedOver)
            throws SQLException {
        boolean hand = handOver.test(subscriptionId);
        ps.setLong(1, id);
        ps.setLong(2, messageKey);
        ps.setLong(3, subscriptionId);
        ps.setInt(4, m.priority());
        ps.setLong(5, m.publishedAt());
        ps.setString(6, hand && shared != null ? claimant.incarnation() : null);
        if (hand) {
            handedOver.add(DueDelivery.stored(id, subscriptionId, messageKey, messageRow, m));
        }
    }

    /** Sets a message's {@link #MESSAGE_COLUMNS}, from parameter {@code first} on. */
    private static void setMessageColumns(PreparedStatement ps, int first, NewMessage m) throws SQLException {
        int p = first;
        ps.setString(p++, m.msgId());
        ps.setLong(p++, m.topicId());
        ps.setString(p++, m.data());
        ps.setString(p++, m.mimeType());
        ps.setString(p++, m.correlationId());
        ps.setString(p++, m.inReplyTo());
        ps.setString(p++, m.extClientId());
        ps.setString(p++, m.publisher());
        ps.setLong(p++, m.publishedAt());
        ps.setLong(p, m.expiresAt());
    }

    /**
     * Whether a message is kept in its delivery's row: it has exactly one, and an id Courier made. An id its
     * caller chose goes in a message row, whatever the topic: one unique constraint then covers every chosen id,
     * and two nodes storing the same one at once, one for a topic with one subscription and one for a shared
     * topic, cannot both succeed.
     */
    static boolean keptInDelivery(NewMessage m) {
        return m.subscriptionIds().size() == 1 && !m.idChosenByCaller();
    }

    /** How many rows one statement of a batch reached: 0 or 1 here (a driver that does not say: 1). */
    private static int reached(int updateCount) {
        return updateCount == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, updateCount);
    }

    /** A subscription's newest pending delivery of one priority: the priority and when it is due. */
    record Newest(int priority, long nextAttemptAt) {
    }

    /** The highest priority below {@code below} among a subscription's pending deliveries, if it has any. */
    Integer topPriority(Connection c, long subscriptionId, int below) throws SQLException {
        Newest newest = newest(c, subscriptionId, below);
        return newest == null ? null : newest.priority();
    }

    /** The newest pending delivery of the highest priority below {@code below}, if there is one. */
    Newest newest(Connection c, long subscriptionId, int below) throws SQLException {
        try (KeptStatements.Use use = statements.prepare(c, NEWEST)) {
            PreparedStatement ps = use.statement();
            ps.setLong(1, subscriptionId);
            ps.setInt(2, below);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Newest(rs.getInt(1), rs.getLong(2)) : null;
            }
        }
    }

    /**
     * Appends to {@code due} at most {@code limit} pending deliveries of one priority, in publish order, that are
     * due at {@code now} or were last attempted before {@code registeredAt}.
     */
    void fetch(Connection c, Claimant claimant, long subscriptionId, int priority, long now, long registeredAt,
            int limit, List<DueDelivery> due) throws SQLException {
        try (KeptStatements.Use use = statements.prepare(c, fetchSql())) {
            PreparedStatement ps = use.statement();
            ps.setLong(1, subscriptionId);
            ps.setInt(2, priority);
            ps.setLong(3, now);
            ps.setLong(4, registeredAt);
            int p = 5;
            if (shared != null) {
                ps.setString(p++, claimant.incarnation());
                ps.setLong(p++, claimant.leaseMs());
            }
            ps.setInt(p++, limit);
            if (shared != null) {
                ps.setString(p, claimant.incarnation());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(7);
                    boolean messageRow = !rs.wasNull();
                    due.add(new DueDelivery(rs.getLong(1), subscriptionId, DeliveryEntity.PENDING, rs.getInt(2),
                            rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getLong(6), messageRow, rs.getString(8),
                            rs.getLong(9), rs.getString(10), rs.getString(11), rs.getInt(12), rs.getString(13),
                            rs.getString(14), rs.getString(15), rs.getString(16), rs.getLong(17), rs.getLong(18)));
                }
            }
        }
    }

    /**
     * Where nodes share the queue, lets the transaction of a fetch that claimed deliveries commit without waiting for
     * the write-ahead log to reach the disk; call only in a transaction that writes nothing but claims. A crash of the
     * database (or a failover) may then forget claims committed in its last moments (about three times PostgreSQL's
     * {@code wal_writer_delay}): those deliveries are claimed again and delivered once more, as after a node's death,
     * and this node's outcomes for them reach no row. Acknowledgements and publishes still wait for the disk, and the
     * log being written in order, each of their flushes carries the claims committed before it. Without this, each
     * fetch took a flush of the log of its own, which the publish writer's commit then waited behind.
     */
    void claimsNeedNoFlush(Connection c) throws SQLException {
        if (shared == null) {
            return;
        }
        try (KeptStatements.Use use = statements.prepare(c, "SET LOCAL synchronous_commit TO OFF")) {
            use.statement().execute();
        }
    }

    /**
     * When the next pending delivery of a subscription is due, if it has one. Where nodes share the queue, one due
     * already is held by another node (a fetch just found none to claim): it is looked at again a quarter of the
     * lease later, and is this node's to take once its holder has been silent for the lease (a dead holder's
     * deliveries wait at most the lease and a quarter).
     */
    Optional<Long> nextAttemptAt(Connection c, Claimant claimant, long subscriptionId, long now) throws SQLException {
        try (KeptStatements.Use use = statements.prepare(c, NEXT_ATTEMPT)) {
            PreparedStatement ps = use.statement();
            ps.setLong(1, subscriptionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long next = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
                return Optional.of(shared != null && next <= now ? now + claimant.leaseMs() / 4 : next);
            }
        }
    }

    /**
     * Whether this node delivers an ordered subscription: it holds it, or took it now from no node or from one
     * that stopped or is silent past the lease. Always, where one node has the database to itself.
     */
    boolean holdOrdered(Connection c, Claimant claimant, long subscriptionId) throws SQLException {
        if (shared == null) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT DELIVEREDBY FROM COURIER_SUBSCRIPTION WHERE ID = ?")) {
            ps.setLong(1, subscriptionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && claimant.incarnation().equals(rs.getString(1))) {
                    return true; // the common case: no write
                }
            }
        }
        try (KeptStatements.Use use = statements.prepare(c, shared.holdOrdered)) {
            PreparedStatement ps = use.statement();
            ps.setString(1, claimant.incarnation());
            ps.setLong(2, subscriptionId);
            ps.setLong(3, claimant.leaseMs());
            return ps.executeUpdate() == 1;
        }
    }

    /** Lets go of the ordered subscriptions of a subscriber that this node holds, where nodes share the queue. */
    void releaseOrdered(Connection c, Claimant claimant, String subscriber) throws SQLException {
        if (shared == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE COURIER_SUBSCRIPTION SET DELIVEREDBY = NULL"
                + " WHERE SUBSCRIBER = ? AND DELIVEREDBY = ?")) {
            ps.setString(1, subscriber);
            ps.setString(2, claimant.incarnation());
            ps.executeUpdate();
        }
    }

    /**
     * Records the outcomes of delivery batches: deliveries done with are deleted, then the message rows they
     * shared once no delivery is left for them; failed deliveries get their next attempt or become dead. Each
     * subscription's deliveries done go to {@code tallies}, for its counts, and what changed in its pending and dead
     * deliveries to {@code change}: by the rows reached. Where nodes share the queue, only the deliveries this node
     * holds are reached.
     *
     * @return how many outcomes reached no delivery: taken over by another node, deleted meanwhile (purged), or whose
     *         claim a crash of the database forgot (see {@link #claimsNeedNoFlush})
     */
    int complete(Connection c, Claimant claimant, List<Acknowledgement> acknowledgements, QueueDepths.Change change,
            Tallies.Unwritten tallies) throws SQLException {
        int missed = 0;
        Set<Long> messages = new TreeSet<>(); // locked in key order: no two transactions wait for each other
        boolean anyDone = false;
        for (Acknowledgement a : acknowledgements) {
            anyDone |= !a.outcome().delivered().isEmpty() || !a.outcome().expired().isEmpty();
        }
        if (anyDone) {
            List<Acknowledgement> of = new ArrayList<>(); // of each delete: its batch, and whether it expired
            List<Boolean> expired = new ArrayList<>();
            try (KeptStatements.Use use = statements.prepare(c, shared == null ? DELETE_DELIVERY : DELETE_CLAIMED)) {
                PreparedStatement ps = use.statement();
                for (Acknowledgement a : acknowledgements) {
                    for (boolean expiredOnes : new boolean[] { false, true }) {
                        for (BatchOutcome.Done d : expiredOnes ? a.outcome().expired() : a.outcome().delivered()) {
                            ps.setLong(1, d.deliveryId());
                            if (shared != null) {
                                ps.setString(2, claimant.incarnation());
                            }
                            ps.addBatch();
                            if (d.messageRow()) {
                                messages.add(d.messageSeq());
                            }
                            of.add(a);
                            expired.add(expiredOnes);
                        }
                    }
                }
                int[] deleted = ps.executeBatch();
                for (int i = 0; i < deleted.length; i++) {
                    int n = reached(deleted[i]);
                    change.add(of.get(i).subscriptionId(), -n, 0);
                    if (n > 0) { // what reached no row (another node's now) is counted by the node that delivers it
                        tallies.done(of.get(i).subscriptionId(), new Tallies.Done(expired.get(i) ? 0 : 1,
                                expired.get(i) ? 1 : 0, of.get(i).now()));
                    }
                    missed += 1 - n;
                }
            }
            if (!messages.isEmpty()) {
                try (KeptStatements.Use use = statements.prepare(c, LOCK_MESSAGE)) {
                    PreparedStatement ps = use.statement();
                    for (long message : messages) {
                        ps.setLong(1, message);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (KeptStatements.Use use = statements.prepare(c, DELETE_MESSAGE_IF_DONE)) {
                    PreparedStatement ps = use.statement();
                    for (long message : messages) {
                        ps.setLong(1, message);
                        ps.setLong(2, message);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
        if (shared != null && acknowledgements.stream().anyMatch(a -> !a.outcome().released().isEmpty())) {
            try (KeptStatements.Use use = statements.prepare(c, RELEASE_CLAIM)) {
                PreparedStatement ps = use.statement();
                for (Acknowledgement a : acknowledgements) {
                    for (long deliveryId : a.outcome().released()) {
                        ps.setLong(1, deliveryId);
                        ps.setString(2, claimant.incarnation());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
        if (acknowledgements.stream().anyMatch(a -> !a.outcome().failed().isEmpty())) {
            List<Long> dying = new ArrayList<>(); // of each update: the subscription if the delivery becomes dead
            try (KeptStatements.Use use = statements.prepare(c,
                    shared == null ? RECORD_FAILURE : RECORD_CLAIMED_FAILURE)) {
                PreparedStatement ps = use.statement();
                for (Acknowledgement a : acknowledgements) {
                    for (BatchOutcome.Failure f : a.outcome().failed()) {
                        ps.setInt(1, f.attempts());
                        ps.setString(2, f.dead() ? DeliveryEntity.DEAD : DeliveryEntity.PENDING);
                        ps.setLong(3, f.nextAttemptAt());
                        ps.setLong(4, a.now());
                        ps.setString(5, Store.truncate(f.error(), DeliveryEntity.MAX_ERROR_CHARS));
                        ps.setLong(6, f.deliveryId());
                        if (shared != null) {
                            ps.setString(7, claimant.incarnation());
                        }
                        ps.addBatch();
                        dying.add(f.dead() ? a.subscriptionId() : null);
                    }
                }
                int[] updated = ps.executeBatch();
                for (int i = 0; i < updated.length; i++) {
                    missed += 1 - reached(updated[i]);
                    if (dying.get(i) != null) {
                        change.add(dying.get(i), -reached(updated[i]), reached(updated[i]));
                    }
                }
            }
        }
        return shared == null ? 0 : missed; // alone on the database, only a purge meanwhile misses
    }

    /** Writes gathered tallies to the topic and subscription rows (see {@link Tallies}). */
    void write(Connection c, Tallies.Unwritten tallies) throws SQLException {
        if (!tallies.lastByTopic().isEmpty()) {
            try (KeptStatements.Use use = statements.prepare(c, UPDATE_TOPIC_LAST)) {
                PreparedStatement ps = use.statement();
                for (Map.Entry<Long, Tallies.Last> e : tallies.lastByTopic().entrySet()) {
                    Tallies.Last last = e.getValue();
                    ps.setString(1, last.msgId());
                    ps.setLong(2, last.at());
                    ps.setString(3, last.preview());
                    ps.setLong(4, e.getKey());
                    ps.setLong(5, last.at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!tallies.doneBySubscription().isEmpty()) {
            try (KeptStatements.Use use = statements.prepare(c, COUNT_DONE)) {
                PreparedStatement ps = use.statement();
                for (Map.Entry<Long, Tallies.Done> e : tallies.doneBySubscription().entrySet()) {
                    Tallies.Done done = e.getValue();
                    ps.setLong(1, done.delivered());
                    ps.setLong(2, done.expired());
                    ps.setLong(3, done.lastAt());
                    ps.setLong(4, done.lastAt());
                    ps.setLong(5, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }
}
