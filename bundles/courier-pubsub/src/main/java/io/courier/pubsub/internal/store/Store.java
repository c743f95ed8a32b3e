package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.Query;
import javax.persistence.TypedQuery;

import org.apache.openjpa.persistence.OpenJPAPersistence;
import io.courier.api.PublishOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every read and write of the pub/sub tables. Each public method is one transaction; nothing returned holds
 * on to an entity manager.
 */
public class Store {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final EntityManagerFactory emf;

    public Store(EntityManagerFactory emf) {
        this.emf = emf;
    }

    /**
     * Creates the tables if needed and, on HSQLDB, makes every commit durable at once (write delay off, also
     * for a database created with the default delay) and keeps the tables on disk rather than on the heap
     * (CACHED tables), so a backlog costs disk, not memory.
     */
    public void prepare() {
        inTransaction(em -> {
            em.createQuery("SELECT COUNT(t) FROM TopicEntity t").getSingleResult(); // builds the schema
            // OpenJPA lends the transaction's connection; closing it gives it back.
            try (Connection c = (Connection) OpenJPAPersistence.cast(em).getConnection()) {
                if (c.getMetaData().getDatabaseProductName().toLowerCase().contains("hsql")) {
                    tuneHsqldb(c);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Could not configure the database: " + e.getMessage(), e);
            }
            return null;
        });
    }

    private static void tuneHsqldb(Connection c) throws SQLException {
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
     * were created if needed.
     */
    public List<SubscriptionRow> ensureSubscriptions(String subscriber, Collection<String> topicNames, long now) {
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

    /** Makes the waiting deliveries of a subscription due now; returns how many were waiting for later. */
    public int makeDueNow(long subscriptionId, long now) {
        return inTransaction(em -> em.createQuery("UPDATE DeliveryEntity d SET d.nextAttemptAt = :now"
                + " WHERE d.subscriptionId = :s AND d.state = :pending AND d.nextAttemptAt > :now")
                .setParameter("now", now).setParameter("s", subscriptionId)
                .setParameter("pending", DeliveryEntity.PENDING).executeUpdate());
    }

    // ---- publish ---------------------------------------------------------------------------------------

    /**
     * Stores messages and one delivery per subscription of their topic, in one transaction.
     *
     * @throws DuplicateMessageIdException if a caller-chosen message id is already stored or repeated in the
     *                                     batch; nothing is stored then
     */
    public void insert(List<NewMessage> messages) {
        write(messages, List.of());
    }

    /**
     * Stores messages (as {@link #insert}) and records the outcomes of delivery batches (as {@link #complete}), all
     * in one transaction: one commit, one write to disk, for publishers and deliverers together.
     *
     * @throws DuplicateMessageIdException as {@link #insert}; nothing is written then
     */
    public void write(List<NewMessage> messages, List<Acknowledgement> acknowledgements) {
        if (messages.isEmpty() && acknowledgements.stream().allMatch(a -> a.outcome().isEmpty())) {
            return;
        }
        inTransaction(em -> {
            if (!messages.isEmpty()) {
                insert(em, messages);
            }
            for (Acknowledgement a : acknowledgements) {
                complete(em, a.subscriptionId(), a.outcome(), a.now());
            }
            return null;
        });
    }

    private static void insert(EntityManager em, List<NewMessage> messages) {
        checkIdsAreFree(em, messages);
        Map<Long, NewMessage> lastPerTopic = new HashMap<>();
        for (NewMessage m : messages) {
            MessageEntity entity = new MessageEntity(m.msgId(), m.topicId(), m.data(), m.mimeType(), m.priority(),
                    m.correlationId(), m.inReplyTo(), m.extClientId(), m.publisher(), m.publishedAt(),
                    m.expiresAt());
            em.persist(entity);
            for (long subscriptionId : m.subscriptionIds()) {
                em.persist(new DeliveryEntity(entity, subscriptionId, m.publishedAt()));
            }
            lastPerTopic.put(m.topicId(), m);
        }
        for (NewMessage last : lastPerTopic.values()) {
            em.createQuery("UPDATE TopicEntity t SET t.lastMsgId = :id, t.lastMsgAt = :at, t.lastPreview = :p"
                    + " WHERE t.id = :t").setParameter("id", last.msgId()).setParameter("at", last.publishedAt())
                    .setParameter("p", last.preview()).setParameter("t", last.topicId()).executeUpdate();
        }
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
        List<String> taken = em.createQuery("SELECT m.msgId FROM MessageEntity m WHERE m.msgId IN :ids", String.class)
                .setParameter("ids", chosen).getResultList();
        if (!taken.isEmpty()) {
            throw new DuplicateMessageIdException(taken.get(0));
        }
    }

    // ---- delivery --------------------------------------------------------------------------------------

    /**
     * The next deliveries of a subscription, highest priority first, then in publish order. Unordered: only
     * those due now. Ordered: the head of the queue whether due or not, so that the caller can wait for it.
     * <p>
     * HSQLDB walks an index for ORDER BY ... LIMIT only when the ORDER BY names the index's columns, all in one
     * direction; priority descending then publish order ascending is not that. So: the highest pending
     * priority first (the queue index walked backwards, one row), then one priority at a time in index order,
     * downwards until the batch is full. Each step reads only the rows it returns, whatever the backlog.
     */
    public List<DueDelivery> fetchDue(long subscriptionId, long now, int limit, boolean ordered) {
        return inTransaction(em -> {
            List<Integer> top = em.createQuery("SELECT d.priority FROM DeliveryEntity d"
                    + " WHERE d.subscriptionId = :s AND d.state = :pending ORDER BY d.subscriptionId DESC,"
                    + " d.state DESC, d.priority DESC, d.messageId DESC", Integer.class)
                    .setParameter("s", subscriptionId).setParameter("pending", DeliveryEntity.PENDING)
                    .setMaxResults(1).getResultList();
            List<DueDelivery> due = new ArrayList<>();
            for (int priority = top.isEmpty() ? 0 : top.get(0); priority >= PublishOptions.MIN_PRIORITY
                    && due.size() < limit; priority--) {
                TypedQuery<DeliveryEntity> q = em.createQuery("SELECT d FROM DeliveryEntity d JOIN FETCH d.message"
                        + " WHERE d.subscriptionId = :s AND d.state = :pending AND d.priority = :p"
                        + (ordered ? "" : " AND d.nextAttemptAt <= :now")
                        + " ORDER BY d.subscriptionId, d.state, d.priority, d.messageId", DeliveryEntity.class)
                        .setParameter("s", subscriptionId).setParameter("pending", DeliveryEntity.PENDING)
                        .setParameter("p", priority).setMaxResults(limit - due.size());
                if (!ordered) {
                    q.setParameter("now", now);
                }
                for (DeliveryEntity d : q.getResultList()) {
                    due.add(DueDelivery.of(d));
                }
            }
            return due;
        });
    }

    /** When the next pending delivery of a subscription is due, if it has one. */
    public Optional<Long> nextAttemptAt(long subscriptionId) {
        return inTransaction(em -> Optional.ofNullable(em.createQuery("SELECT MIN(d.nextAttemptAt) FROM DeliveryEntity d"
                + " WHERE d.subscriptionId = :s AND d.state = :pending", Long.class)
                .setParameter("s", subscriptionId).setParameter("pending", DeliveryEntity.PENDING).getSingleResult()));
    }

    /**
     * Records the outcome of a batch in one transaction: delivered and expired deliveries are deleted (with
     * their message once no delivery is left), failed ones get their next attempt or become dead.
     */
    public void complete(long subscriptionId, BatchOutcome outcome, long now) {
        write(List.of(), List.of(new Acknowledgement(subscriptionId, outcome, now)));
    }

    private static void complete(EntityManager em, long subscriptionId, BatchOutcome outcome, long now) {
        List<Long> done = new ArrayList<>(outcome.delivered());
        done.addAll(outcome.expired());
        if (!done.isEmpty()) {
            List<Long> messageIds = em.createQuery(
                    "SELECT d.message.id FROM DeliveryEntity d WHERE d.id IN :ids", Long.class)
                    .setParameter("ids", done).getResultList();
            em.createQuery("DELETE FROM DeliveryEntity d WHERE d.id IN :ids").setParameter("ids", done)
                    .executeUpdate();
            if (!messageIds.isEmpty()) { // empty if the deliveries were deleted meanwhile
                em.createQuery("DELETE FROM MessageEntity m WHERE m.id IN :ids AND NOT EXISTS"
                        + " (SELECT d FROM DeliveryEntity d WHERE d.message = m)").setParameter("ids", messageIds)
                        .executeUpdate();
            }
            em.createQuery("UPDATE SubscriptionEntity s SET s.delivered = s.delivered + :d,"
                    + " s.expired = s.expired + :e, s.lastDeliveryAt = :now WHERE s.id = :s")
                    .setParameter("d", (long) outcome.delivered().size())
                    .setParameter("e", (long) outcome.expired().size()).setParameter("now", now)
                    .setParameter("s", subscriptionId).executeUpdate();
        }
        for (BatchOutcome.Failure f : outcome.failed()) {
            em.createQuery("UPDATE DeliveryEntity d SET d.attempts = :a, d.state = :state,"
                    + " d.nextAttemptAt = :next, d.lastAttemptAt = :now, d.lastError = :err WHERE d.id = :id")
                    .setParameter("a", f.attempts()).setParameter("state", f.dead() ? DeliveryEntity.DEAD
                            : DeliveryEntity.PENDING)
                    .setParameter("next", f.nextAttemptAt()).setParameter("now", now)
                    .setParameter("err", truncate(f.error(), DeliveryEntity.MAX_ERROR_CHARS))
                    .setParameter("id", f.deliveryId()).executeUpdate();
        }
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
        return inTransaction(em -> {
            Query q = em.createQuery("UPDATE DeliveryEntity d SET d.state = :pending, d.attempts = 0,"
                    + " d.nextAttemptAt = :now WHERE d.subscriptionId IN :s AND d.state = :dead" + (msgId == null ? ""
                            : " AND d.message.id IN (SELECT m.id FROM MessageEntity m WHERE m.msgId = :id)"))
                    .setParameter("pending", DeliveryEntity.PENDING).setParameter("dead", DeliveryEntity.DEAD)
                    .setParameter("now", now).setParameter("s", subscriptionIds);
            if (msgId != null) {
                q.setParameter("id", msgId);
            }
            return q.executeUpdate();
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
        return inTransaction(em -> {
            int deleted = em.createQuery("DELETE FROM DeliveryEntity d WHERE d.subscriptionId IN :s AND d.state = :st")
                    .setParameter("s", subscriptionIds)
                    .setParameter("st", dead ? DeliveryEntity.DEAD : DeliveryEntity.PENDING).executeUpdate();
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
        return inTransaction(em -> em.createQuery("SELECT d FROM DeliveryEntity d JOIN FETCH d.message"
                + " WHERE d.message.msgId = :id ORDER BY d.subscriptionId", DeliveryEntity.class)
                .setParameter("id", msgId).getResultList().stream().map(DueDelivery::of).toList());
    }

    /** Pending and dead counts per subscription id. */
    public Map<Long, QueueCounts> queueCounts() {
        return inTransaction(em -> {
            Map<Long, long[]> counts = new HashMap<>();
            for (Object[] row : em.createQuery("SELECT d.subscriptionId, d.state, COUNT(d) FROM DeliveryEntity d"
                    + " GROUP BY d.subscriptionId, d.state", Object[].class).getResultList()) {
                long[] c = counts.computeIfAbsent((Long) row[0], k -> new long[2]);
                c[DeliveryEntity.DEAD.equals(row[1]) ? 1 : 0] = ((Number) row[2]).longValue();
            }
            Map<Long, QueueCounts> result = new HashMap<>();
            counts.forEach((id, c) -> result.put(id, new QueueCounts(c[0], c[1])));
            return result;
        });
    }

    public List<SubscriptionStats> subscriptionStats() {
        return inTransaction(em -> em.createQuery("SELECT s FROM SubscriptionEntity s", SubscriptionEntity.class)
                .getResultList().stream().map(SubscriptionStats::of).toList());
    }

    public List<TopicFacts> topicFacts() {
        return inTransaction(em -> em.createQuery("SELECT t FROM TopicEntity t ORDER BY t.name", TopicEntity.class)
                .getResultList().stream().map(TopicFacts::of).toList());
    }

    /** Deliveries of some subscriptions, in delivery order: pending or dead ones. */
    public List<DueDelivery> browse(Collection<Long> subscriptionIds, boolean dead, int offset, int limit) {
        if (subscriptionIds.isEmpty()) {
            return List.of();
        }
        return inTransaction(em -> em.createQuery("SELECT d FROM DeliveryEntity d JOIN FETCH d.message"
                + " WHERE d.subscriptionId IN :s AND d.state = :state ORDER BY d.priority DESC, d.message.id ASC",
                DeliveryEntity.class).setParameter("s", subscriptionIds)
                .setParameter("state", dead ? DeliveryEntity.DEAD : DeliveryEntity.PENDING)
                .setFirstResult(offset).setMaxResults(limit).getResultList().stream().map(DueDelivery::of).toList());
    }

    /** Counts every stored message; for tests and diagnostics. */
    public long countMessages() {
        return inTransaction(em -> em.createQuery("SELECT COUNT(m) FROM MessageEntity m", Long.class)
                .getSingleResult());
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

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
