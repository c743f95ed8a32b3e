package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.PersistenceException;
import javax.persistence.Query;
import javax.sql.DataSource;

import org.apache.openjpa.persistence.Generator;
import org.apache.openjpa.persistence.OpenJPAEntityManager;
import org.apache.openjpa.persistence.OpenJPAPersistence;
import io.courier.api.PublishOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every read and write of the pub/sub tables. Each public method is one transaction; nothing returned holds
 * on to an entity manager.
 */
public class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    /** How many times a subscription is tried while other nodes make the same topics or subscriptions at once. */
    static final int SUBSCRIBE_ATTEMPTS = 5;

    private final EntityManagerFactory emf;
    private final Dialect dialect;
    private final QueueDepths depths;
    private final Tallies tallies = new Tallies();
    private final KeptStatements kept = new KeptStatements();
    private final QueueStatements queue;
    private final NodeStatements nodes;
    /** This store's claimant: made up per store, the node's name and lease as last set ({@link #node}). */
    private volatile Claimant claimant = new Claimant(UUID.randomUUID().toString(), "", 10_000);
    /** Outcomes that reached no delivery (see {@link QueueStatements#complete}). */
    private final AtomicLong missedOutcomes = new AtomicLong();
    private final QueueVacuum vacuum; // null where the database needs none, or without a pool
    private final DataSource pool; // null: a store for tests and tools

    /** A store that never vacuums the queue's tables: for tests and tools. */
    public Store(EntityManagerFactory emf, Dialect dialect) {
        this(emf, dialect, null);
    }

    /**
     * A store on the persistence unit made on this pool, which also vacuums the queue's tables with it and carries
     * the wake-ups between nodes ({@link #openWakeChannel}).
     */
    public Store(EntityManagerFactory emf, Dialect dialect, DataSource pool) {
        this.emf = emf;
        this.dialect = dialect;
        this.queue = new QueueStatements(kept, dialect);
        this.depths = new QueueDepths();
        this.nodes = new NodeStatements(dialect);
        this.pool = pool;
        this.vacuum = pool == null ? null : dialect.vacuumQueue().map(sql -> new QueueVacuum(pool, sql)).orElse(null);
    }

    /**
     * Readies the database for the store, once its schema is up to date ({@link Schema}): whatever the dialect
     * needs ({@link Dialect#prepare}); and OpenJPA's mapping of the entities, built now rather than by the first
     * publish.
     */
    public void prepare() {
        inConnection((em, c) -> {
            em.createQuery("SELECT COUNT(t) FROM TopicEntity t").getSingleResult();
            dialect.prepare(c, kept);
            return null;
        });
    }

    // ---- topics and subscriptions ----------------------------------------------------------------------

    public List<TopicRow> loadTopics() {
        return inTransaction(em -> {
            Map<Long, List<SubscriptionRow>> subs = new HashMap<>();
            for (SubscriptionEntity s : em.createQuery("SELECT s FROM SubscriptionEntity s ORDER BY s.id",
                    SubscriptionEntity.class).getResultList()) {
                subs.computeIfAbsent(s.getTopicId(), k -> new ArrayList<>()).add(SubscriptionRow.of(s));
            }
            List<TopicRow> topics = new ArrayList<>();
            for (TopicEntity t : em.createQuery("SELECT t FROM TopicEntity t ORDER BY t.name", TopicEntity.class)
                    .getResultList()) {
                topics.add(new TopicRow(t.getId(), t.getName(), t.isShared(),
                        List.copyOf(subs.getOrDefault(t.getId(), List.of()))));
            }
            return topics;
        });
    }

    /**
     * Makes sure each topic exists and the subscriber is subscribed to it; returns the subscriptions, which
     * were created if needed. Two nodes registering the same new service at once: one makes the rows, the other's
     * insert is refused by their unique keys, and its next look finds them (up to {@value #SUBSCRIBE_ATTEMPTS} looks,
     * each new topic of the list perhaps made by another node meanwhile).
     */
    public List<SubscriptionRow> ensureSubscriptions(String subscriber, Collection<String> topicNames, long now) {
        for (int attempt = 1;; attempt++) {
            try {
                return subscribe(subscriber, topicNames, now);
            } catch (PersistenceException e) {
                if (!uniqueKeyTaken(e) || attempt == SUBSCRIBE_ATTEMPTS) {
                    throw e;
                }
                // another node made one of these topics or subscriptions between the look and the insert: the next
                // look finds it
            }
        }
    }

    private List<SubscriptionRow> subscribe(String subscriber, Collection<String> topicNames, long now) {
        return inTransaction(em -> {
            List<SubscriptionRow> rows = new ArrayList<>();
            for (String name : topicNames) {
                TopicEntity topic = em.createQuery("SELECT t FROM TopicEntity t WHERE t.name = :n", TopicEntity.class)
                        .setParameter("n", name).getResultList().stream().findFirst().orElse(null);
                if (topic == null) {
                    topic = new TopicEntity(name, name.startsWith("/"), now);
                    em.persist(topic);
                    em.flush();
                }
                SubscriptionEntity sub = em.createQuery(
                        "SELECT s FROM SubscriptionEntity s WHERE s.topicId = :t AND s.subscriber = :s",
                        SubscriptionEntity.class).setParameter("t", topic.getId()).setParameter("s", subscriber)
                        .getResultList().stream().findFirst().orElse(null);
                if (sub == null) {
                    sub = new SubscriptionEntity(topic.getId(), subscriber, now);
                    em.persist(sub);
                    em.flush();
                    LOG.info("Subscribed '{}' to topic '{}'", subscriber, name);
                }
                rows.add(SubscriptionRow.of(sub));
            }
            return rows;
        });
    }

    // ---- publish and acknowledge -----------------------------------------------------------------------

    /**
     * Stores messages, with one delivery per subscription of their topic (a message for one subscription in its
     * delivery's row, see {@link QueueStatements}), and records the outcomes of delivery
     * batches, all in one transaction: one commit, one write to disk, for publishers and deliverers together. An
     * outcome deletes delivered and expired deliveries (with their message once no delivery is left) and gives
     * failed ones their next attempt or makes them dead. Each topic's last message and each subscription's counts
     * are gathered for {@link #flushTallies}.
     *
     * <p>
     * The new deliveries that {@code handOver} accepts, asked delivery by delivery with its subscription, are
     * returned, for the node to hand them to its workers in memory rather than have them fetched back; where nodes
     * share the database, they are claimed by this node as they are stored (see {@link QueueStatements#insert}), and
     * the node delivers them, lets them go or fetches them again itself.
     *
     * @return the new deliveries {@code handOver} accepted, as a fetch would read them
     * @throws DuplicateMessageIdException if a caller-chosen message id is already stored or repeated in the
     *                                     batch; nothing is written then
     */
    public List<DueDelivery> write(List<NewMessage> messages, List<Acknowledgement> acknowledgements,
            LongPredicate handOver) {
        if (messages.isEmpty() && acknowledgements.stream().allMatch(a -> a.outcome().isEmpty()
                && (!dialect.sharedByNodes() || a.outcome().released().isEmpty()))) {
            return List.of();
        }
        Tallies.Unwritten gathered = new Tallies.Unwritten();
        List<DueDelivery> handedOver = new ArrayList<>();
        try {
            changeDeliveries((em, c, change) -> {
                if (!messages.isEmpty()) {
                    checkIdsAreFree(em, messages);
                    OpenJPAEntityManager jpa = OpenJPAPersistence.cast(em);
                    queue.insert(c, claimant, messages, keys(jpa, MessageEntity.class), keys(jpa, DeliveryEntity.class),
                            handOver, handedOver);
                    messages.forEach(m -> m.subscriptionIds().forEach(id -> change.add(id, 1, 0)));
                    gathered.published(messages);
                }
                if (!acknowledgements.isEmpty()) {
                    int missed = queue.complete(c, claimant, acknowledgements, change, gathered);
                    if (missed > 0) {
                        missedOutcomes.addAndGet(missed);
                        LOG.info("{} delivery outcomes of this node changed nothing: their deliveries were taken over"
                                + " by another node (this node was silent past its lease), deleted meanwhile, or their"
                                + " claims forgotten by a crash of the database", missed);
                    }
                }
                return null;
            });
        } catch (PersistenceException e) {
            if (messageIdTaken(e)) {
                // stored by another transaction between the check and the insert (another node's publish)
                throw new DuplicateMessageIdException(takenId(messages));
            }
            throw e;
        }
        tallies.add(gathered);
        if (vacuum != null) {
            vacuum.deleted(acknowledgements.stream().mapToLong(a -> a.outcome().delivered().size()
                    + a.outcome().expired().size()).sum());
        }
        return handedOver;
    }

    /** Stores messages and records outcomes as {@link #write(List, List, LongPredicate)} does, handing nothing. */
    public void write(List<NewMessage> messages, List<Acknowledgement> acknowledgements) {
        write(messages, acknowledgements, subscription -> false);
    }

    /** Vacuums of the queue's tables run so far by this store (see {@link QueueVacuum}). */
    long vacuums() {
        return vacuum == null ? 0 : vacuum.runs();
    }

    /**
     * Writes the topics' last messages and the subscriptions' counts gathered since the last flush, in one
     * transaction (see {@link Tallies}); what fails to be written is written by the next flush.
     *
     * @param wait whether to wait for a view reading them meanwhile; if not, and one is, nothing is written
     * @return whether the flush was done (false: put off, a view was reading)
     */
    public boolean flushTallies(boolean wait) {
        return tallies.flush(wait, gathered -> inConnection((em, c) -> {
            queue.write(c, gathered);
            return null;
        }));
    }

    /** The keys of an entity, from the sequence generator OpenJPA would use to persist it. */
    private static LongSupplier keys(OpenJPAEntityManager em, Class<?> entity) {
        Generator generator = em.getFieldGenerator(entity, "id");
        return () -> ((Number) generator.next()).longValue();
    }

    /** Whether the database refused an insert because a message id is taken: a unique constraint on MSGID. */
    private static boolean messageIdTaken(Throwable e) {
        return uniqueKeyTaken(e, Schema.MESSAGE_ID_UNIQUE, Schema.DELIVERY_MESSAGE_ID_UNIQUE);
    }

    /** Whether the database refused an insert for a unique constraint: any, or one of those named. */
    private static boolean uniqueKeyTaken(Throwable e, String... constraints) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                String message = Objects.toString(sql.getMessage(), "").toUpperCase(Locale.ROOT);
                if (constraints.length == 0 || Arrays.stream(constraints).anyMatch(message::contains)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Which of these messages' ids is stored now: the first found, else the first one (it was, a moment ago). */
    private String takenId(List<NewMessage> messages) {
        List<String> ids = messages.stream().map(NewMessage::msgId).toList();
        List<String> taken = inTransaction(em -> stored(em, ids));
        return taken.isEmpty() ? ids.get(0) : taken.get(0);
    }

    /** Which of these message ids are stored: in a message's row or a delivery's. */
    private static List<String> stored(EntityManager em, Collection<String> ids) {
        List<String> stored = new ArrayList<>(em.createQuery(
                "SELECT m.msgId FROM MessageEntity m WHERE m.msgId IN :ids", String.class).setParameter("ids", ids)
                .getResultList());
        stored.addAll(em.createQuery("SELECT d.msgId FROM DeliveryEntity d WHERE d.msgId IN :ids", String.class)
                .setParameter("ids", ids).getResultList());
        return stored;
    }

    private static void checkIdsAreFree(EntityManager em, List<NewMessage> messages) {
        Set<String> chosen = new HashSet<>();
        for (NewMessage m : messages) {
            if (m.idChosenByCaller() && !chosen.add(m.msgId())) {
                throw new DuplicateMessageIdException(m.msgId());
            }
        }
        if (chosen.isEmpty()) {
            return;
        }
        List<String> taken = stored(em, chosen);
        if (!taken.isEmpty()) {
            throw new DuplicateMessageIdException(taken.get(0));
        }
    }

    // ---- delivery --------------------------------------------------------------------------------------

    /**
     * The next deliveries of a subscription, highest priority first, then in publish order. Unordered: only
     * those due now. Ordered: the head of the queue whether due or not, so that the caller can wait for it. A
     * delivery last attempted before {@code registeredAt} (the time the service registered) is due now: a new
     * registration does not wait out the backoff the previous one earned.
     * <p>
     * HSQLDB walks an index for ORDER BY ... LIMIT only when the ORDER BY names the index's columns, all in one
     * direction; priority descending then publish order ascending is not that. So: the highest pending
     * priority (the queue index walked backwards, one row), its deliveries in index order, then the next lower
     * priority that has any, until the batch is full. Each step reads only the rows it returns, whatever the
     * backlog.
     * <p>
     * Where nodes share the database, the transaction writes the claims on what it fetched and nothing else, and
     * commits without waiting for the disk ({@link QueueStatements#claimsNeedNoFlush}): nothing durable may join it.
     */
    public List<DueDelivery> fetchDue(long subscriptionId, long now, long registeredAt, int limit, boolean ordered) {
        return inConnection((em, c) -> {
            List<DueDelivery> due = new ArrayList<>();
            Integer priority = queue.topPriority(c, subscriptionId, PublishOptions.MAX_PRIORITY + 1);
            while (priority != null) {
                queue.fetch(c, claimant, subscriptionId, priority, ordered ? Long.MAX_VALUE : now, registeredAt,
                        limit - due.size(), due);
                priority = due.size() < limit ? queue.topPriority(c, subscriptionId, priority) : null;
            }
            if (!due.isEmpty()) {
                queue.claimsNeedNoFlush(c);
            }
            return due;
        });
    }

    /**
     * When the next pending delivery of a subscription is due, if it has one, asked after a fetch at {@code now}
     * found none due (where nodes share the queue, see {@link QueueStatements#nextAttemptAt}).
     */
    public Optional<Long> nextAttemptAt(long subscriptionId, long now) {
        return inConnection((em, c) -> queue.nextAttemptAt(c, claimant, subscriptionId, now));
    }

    /**
     * Which of these subscriptions have a newest pending delivery, in some priority, that is due at {@code now}:
     * the delivery sweep's question. A message stored without waking its subscription's worker stays the newest of
     * its priority until a later publish, which wakes the worker or hands it deliveries (a worker taking them fetches
     * at least every quarter of a lease); so it is always found. Retries that come due are left to their worker's
     * timer. At most one row of the queue index per priority present, whatever the backlog.
     */
    public Set<Long> withNewestDue(Collection<Long> subscriptionIds, long now) {
        return inConnection((em, c) -> {
            Set<Long> due = new HashSet<>();
            for (long id : subscriptionIds) {
                QueueStatements.Newest newest = queue.newest(c, id, PublishOptions.MAX_PRIORITY + 1);
                while (newest != null && newest.nextAttemptAt() > now) {
                    newest = queue.newest(c, id, newest.priority());
                }
                if (newest != null) {
                    due.add(id);
                }
            }
            return due;
        });
    }

    /**
     * Whether this node delivers an ordered subscription now: always where it has the database to itself; where
     * nodes share it, if it holds the subscription or took it from a node that stopped or fell silent.
     */
    public boolean holdOrdered(long subscriptionId) {
        if (!dialect.sharedByNodes()) {
            return true;
        }
        return inConnection((em, c) -> queue.holdOrdered(c, claimant, subscriptionId));
    }

    /** Lets go of the ordered subscriptions of a subscriber that this node delivers (see {@link #holdOrdered}). */
    public void releaseOrdered(String subscriber) {
        inConnection((em, c) -> {
            queue.releaseOrdered(c, claimant, subscriber);
            return null;
        });
    }

    /** Delivery outcomes recorded by this store that reached no delivery: taken over by another node, or purged. */
    public long missedOutcomes() {
        return missedOutcomes.get();
    }

    // ---- nodes ------------------------------------------------------------------------------------------

    /**
     * Writes a node's heartbeat (see {@link NodeStatements}).
     *
     * @param leaseMs how long a silent node keeps its name
     * @return the live node that holds the name, if not this one: nothing was written
     */
    public Optional<NodeRow> beat(NodeBeat beat, long leaseMs) {
        return inConnection((em, c) -> nodes.beat(c, beat, leaseMs));
    }

    /** Marks a node's incarnation stopped. */
    public void leave(String name, String incarnation) {
        inConnection((em, c) -> {
            nodes.leave(c, name, incarnation);
            return null;
        });
    }

    /**
     * Opens the channel on which this node wakes the other nodes' delivery of a subscription, and they wake its
     * own ({@link Dialect#wakeChannel}); none for a store without a pool.
     */
    public WakeChannel openWakeChannel(LongConsumer wakeHere) {
        return pool == null ? WakeChannel.NONE : dialect.wakeChannel(pool, claimant.incarnation(), wakeHere);
    }

    /** Whether other nodes may use the database at the same time (see {@link Dialect#sharedByNodes}). */
    public boolean sharedByNodes() {
        return dialect.sharedByNodes();
    }

    /** The incarnation this store claims deliveries as, which its node's heartbeat writes. */
    public String incarnation() {
        return claimant.incarnation();
    }

    /** How long this node's heartbeat may be silent before its claims go to other nodes. */
    public long leaseMs() {
        return claimant.leaseMs();
    }

    /**
     * The name of the node this store works for, and how long a node's heartbeat may be silent before its claims go
     * to others (the same on every node).
     */
    public void node(String name, long leaseMs) {
        claimant = new Claimant(claimant.incarnation(), name, leaseMs);
    }

    /** Every node that used the database in the last week, by name. */
    public List<NodeRow> nodes() {
        return inConnection((em, c) -> nodes.nodes(c));
    }

    // ---- operating -------------------------------------------------------------------------------------

    /**
     * Makes dead letters pending again, due now, with a fresh count of attempts (the last error is kept until
     * the next attempt). {@code msgId} null: every dead letter of these subscriptions.
     *
     * @return how many deliveries were made pending
     */
    public int retryDead(Collection<Long> subscriptionIds, String msgId, long now) {
        if (subscriptionIds.isEmpty()) {
            return 0;
        }
        return changeDeliveries((em, c, change) -> {
            int retried = 0;
            for (long subscriptionId : subscriptionIds) {
                Query q = em.createQuery("UPDATE DeliveryEntity d SET d.state = :pending, d.attempts = 0,"
                        + " d.nextAttemptAt = :now WHERE d.subscriptionId = :s AND d.state = :dead" + (msgId == null
                                ? "" : " AND (d.msgId = :id OR d.message.id IN (SELECT m.id FROM MessageEntity m"
                                        + " WHERE m.msgId = :id))"))
                        .setParameter("pending", DeliveryEntity.PENDING).setParameter("dead", DeliveryEntity.DEAD)
                        .setParameter("now", now).setParameter("s", subscriptionId);
                if (msgId != null) {
                    q.setParameter("id", msgId);
                }
                int n = q.executeUpdate();
                change.add(subscriptionId, n, -n);
                retried += n;
            }
            return retried;
        });
    }

    /**
     * Deletes the pending or the dead deliveries of some subscriptions, and the messages no delivery is left
     * for.
     *
     * @return how many deliveries were deleted
     */
    public int purge(Collection<Long> subscriptionIds, boolean dead) {
        if (subscriptionIds.isEmpty()) {
            return 0;
        }
        return changeDeliveries((em, c, change) -> {
            int deleted = 0;
            for (long subscriptionId : subscriptionIds) {
                int n = em.createQuery("DELETE FROM DeliveryEntity d WHERE d.subscriptionId = :s AND d.state = :st")
                        .setParameter("s", subscriptionId)
                        .setParameter("st", dead ? DeliveryEntity.DEAD : DeliveryEntity.PENDING).executeUpdate();
                change.add(subscriptionId, dead ? 0 : -n, dead ? -n : 0);
                deleted += n;
            }
            em.createQuery("DELETE FROM MessageEntity m WHERE m.topicId IN"
                    + " (SELECT s.topicId FROM SubscriptionEntity s WHERE s.id IN :s)"
                    + " AND NOT EXISTS (SELECT d FROM DeliveryEntity d WHERE d.message = m)")
                    .setParameter("s", subscriptionIds).executeUpdate();
            return deleted;
        });
    }

    /** Pauses or resumes delivery to some subscriptions; the state is stored and outlives restarts. */
    public void setPaused(Collection<Long> subscriptionIds, boolean paused) {
        if (subscriptionIds.isEmpty()) {
            return;
        }
        inTransaction(em -> em.createQuery("UPDATE SubscriptionEntity s SET s.paused = :p WHERE s.id IN :s")
                .setParameter("p", paused).setParameter("s", subscriptionIds).executeUpdate());
    }

    // ---- reading for people ----------------------------------------------------------------------------

    /** A stored message by its public id, with its deliveries, if it is still stored. */
    public List<DueDelivery> deliveriesOf(String msgId) {
        return inTransaction(em -> {
            List<DeliveryEntity> found = em.createQuery("SELECT d FROM DeliveryEntity d LEFT JOIN FETCH d.message"
                    + " WHERE d.msgId = :id", DeliveryEntity.class).setParameter("id", msgId).getResultList();
            if (found.isEmpty()) {
                found = em.createQuery("SELECT d FROM DeliveryEntity d JOIN FETCH d.message WHERE d.message.msgId = :id"
                        + " ORDER BY d.subscriptionId", DeliveryEntity.class).setParameter("id", msgId).getResultList();
            }
            return found.stream().map(DueDelivery::of).toList();
        });
    }

    /**
     * Pending and dead counts per subscription id: kept in memory where this node has the database to itself
     * ({@link QueueDepths}), in the database where nodes share it ({@link QueueStatements#count}).
     */
    public Map<Long, QueueCounts> queueCounts() {
        return dialect.sharedByNodes() ? inConnection((em, c) -> queue.counts(c)) : depths.get(this::countStored);
    }

    private Map<Long, QueueCounts> countStored() {
        return inTransaction(em -> {
            Map<Long, QueueCounts> counts = new HashMap<>();
            for (Object[] row : em.createQuery("SELECT d.subscriptionId, d.state, COUNT(d) FROM DeliveryEntity d"
                    + " GROUP BY d.subscriptionId, d.state", Object[].class).getResultList()) {
                long n = ((Number) row[2]).longValue();
                counts.merge((Long) row[0], DeliveryEntity.DEAD.equals(row[1]) ? new QueueCounts(0, n)
                        : new QueueCounts(n, 0), QueueCounts::plus);
            }
            return counts;
        });
    }

    /** Each subscription's counts: its row's, with what is gathered and not yet flushed. */
    public List<SubscriptionStats> subscriptionStats() {
        return tallies.read(() -> inTransaction(em -> em.createQuery("SELECT s FROM SubscriptionEntity s",
                SubscriptionEntity.class).getResultList().stream().map(SubscriptionStats::of).toList()),
                (rows, unwritten) -> rows.stream().map(s -> s.plus(unwritten.doneBySubscription().get(s.id())))
                        .toList());
    }

    /** Each topic's last message: its row's, or a later one not yet flushed. */
    public List<TopicFacts> topicFacts() {
        return tallies.read(() -> inTransaction(em -> em.createQuery("SELECT t FROM TopicEntity t ORDER BY t.name",
                TopicEntity.class).getResultList().stream().map(TopicFacts::of).toList()),
                (rows, unwritten) -> rows.stream().map(t -> t.withLast(unwritten.lastByTopic().get(t.id()))).toList());
    }

    /** Deliveries of some subscriptions, in delivery order: pending or dead ones. */
    public List<DueDelivery> browse(Collection<Long> subscriptionIds, boolean dead, int offset, int limit) {
        if (subscriptionIds.isEmpty()) {
            return List.of();
        }
        return inTransaction(em -> em.createQuery("SELECT d FROM DeliveryEntity d LEFT JOIN FETCH d.message"
                + " WHERE d.subscriptionId IN :s AND d.state = :state ORDER BY d.priority DESC, d.messageId ASC",
                DeliveryEntity.class).setParameter("s", subscriptionIds)
                .setParameter("state", dead ? DeliveryEntity.DEAD : DeliveryEntity.PENDING)
                .setFirstResult(offset).setMaxResults(limit).getResultList().stream().map(DueDelivery::of).toList());
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    /** Work that changes deliveries, reporting what it changed in their counts. */
    @FunctionalInterface
    private interface DeliveryChange<T> {
        T apply(EntityManager em, Connection c, QueueDepths.Change change) throws SQLException;
    }

    /**
     * Runs work that changes deliveries in a transaction: what it reports changed in their counts is kept in memory
     * once committed, or, where nodes share the database, written by the same transaction.
     */
    private <T> T changeDeliveries(DeliveryChange<T> work) {
        return depths.change(change -> inConnection((em, c) -> {
            T result = work.apply(em, c, change);
            queue.count(c, claimant, change);
            return result;
        }));
    }

    /** Work done in JDBC on the connection of a JPA transaction. */
    @FunctionalInterface
    private interface JdbcWork<T> {
        T apply(EntityManager em, Connection c) throws SQLException;
    }

    /**
     * Runs JDBC work in a transaction, on the connection OpenJPA lends it; the work commits with the transaction.
     * OpenJPA begins the database transaction lazily, at its first flush: begun explicitly here, or the connection
     * would still be in auto-commit and each statement a commit of its own.
     */
    private <T> T inConnection(JdbcWork<T> work) {
        return inTransaction(em -> {
            OpenJPAEntityManager jpa = OpenJPAPersistence.cast(em);
            jpa.beginStore();
            try (Connection c = (Connection) jpa.getConnection()) {
                return work.apply(em, c);
            } catch (SQLException e) {
                throw new PersistenceException(e.getMessage(), e);
            }
        });
    }

    /**
     * Stops vacuuming and closes the statements the store keeps prepared in the database's sessions; call once
     * nothing uses the store.
     */
    @Override
    public void close() {
        if (vacuum != null) {
            vacuum.close();
        }
        kept.close();
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
