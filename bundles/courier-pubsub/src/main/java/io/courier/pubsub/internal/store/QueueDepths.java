package io.courier.pubsub.internal.store;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How many deliveries of each subscription are pending and dead, kept in memory so that the operating views
 * (topics, services, subscriptions) cost a map copy rather than a count over every stored delivery, which
 * takes about a second per million. Counted from the database once, at the first question; from then on,
 * each transaction that changes deliveries reports what it changed, by the rows its statements reached, and
 * the change applies once the transaction has committed.
 * <p>
 * Changes run under a shared lock, the first count under the exclusive one: no change commits while the count
 * reads the table, so the count and the changes after it add up to the stored rows.
 * <p>
 * This holds while one Courier writes the database. Where nodes share it, each misses the others' changes: there
 * the counts are counted again when a question finds them older than {@code recountAfterMs}, without holding the
 * changes up meanwhile (a change committed during the count may be off until the next one). A stopgap: the count
 * reads every stored delivery.
 */
final class QueueDepths {

    /** What one transaction changed, per subscription: pending and dead deliveries added (or, negative, taken). */
    static final class Change {
        private final Map<Long, QueueCounts> bySubscription = new HashMap<>();

        void add(long subscriptionId, long pending, long dead) {
            bySubscription.merge(subscriptionId, new QueueCounts(pending, dead), QueueCounts::plus);
        }
    }

    private final ReadWriteLock counting = new ReentrantReadWriteLock();
    private final long recountAfterMs;
    private volatile Map<Long, QueueCounts> counts; // null until first counted
    private volatile long countedAt;

    /** @param recountAfterMs how old the counts may be before a question counts them again; 0: never */
    QueueDepths(long recountAfterMs) {
        this.recountAfterMs = recountAfterMs;
    }

    /** Runs a transaction that changes deliveries; what it reports applies once it has returned, committed. */
    <T> T change(Function<Change, T> transaction) {
        counting.readLock().lock();
        try {
            Change change = new Change();
            T result = transaction.apply(change);
            Map<Long, QueueCounts> c = counts;
            if (c != null) {
                change.bySubscription.forEach((id, d) -> c.merge(id, d, QueueCounts::plus));
            }
            return result;
        } finally {
            counting.readLock().unlock();
        }
    }

    /** The counts per subscription id; the first call counts them with {@code countStored}. */
    Map<Long, QueueCounts> get(Supplier<Map<Long, QueueCounts>> countStored) {
        Map<Long, QueueCounts> c = counts;
        if (c != null && recountAfterMs > 0 && System.currentTimeMillis() - countedAt > recountAfterMs) {
            countedAt = System.currentTimeMillis(); // one question counts, the others meanwhile read the last count
            c = new ConcurrentHashMap<>(countStored.get());
            counts = c;
        }
        if (c == null) {
            counting.writeLock().lock();
            try {
                if (counts == null) {
                    counts = new ConcurrentHashMap<>(countStored.get());
                    countedAt = System.currentTimeMillis();
                }
                c = counts;
            } finally {
                counting.writeLock().unlock();
            }
        }
        return Map.copyOf(c);
    }
}
