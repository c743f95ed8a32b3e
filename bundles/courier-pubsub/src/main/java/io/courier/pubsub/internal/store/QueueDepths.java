package io.courier.pubsub.internal.store;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
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
 * This holds while one Courier writes the database. Where nodes share it, each would miss the others' changes:
 * there the counts are kept in the database, by the transactions that change them ({@link QueueStatements#count}),
 * and this map is never counted.
 */
final class QueueDepths {

    /** What one transaction changed, per subscription: pending and dead deliveries added (or, negative, taken). */
    static final class Change {
        private final Map<Long, QueueCounts> bySubscription = new TreeMap<>();

        void add(long subscriptionId, long pending, long dead) {
            if (pending != 0 || dead != 0) {
                bySubscription.merge(subscriptionId, new QueueCounts(pending, dead), QueueCounts::plus);
            }
        }

        boolean isEmpty() {
            return bySubscription.isEmpty();
        }

        /** The changes by subscription, in subscription order. */
        Map<Long, QueueCounts> bySubscription() {
            return bySubscription;
        }
    }

    private final ReadWriteLock counting = new ReentrantReadWriteLock();
    private volatile Map<Long, QueueCounts> counts; // null until first counted

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
        if (c == null) {
            counting.writeLock().lock();
            try {
                if (counts == null) {
                    counts = new ConcurrentHashMap<>(countStored.get());
                }
                c = counts;
            } finally {
                counting.writeLock().unlock();
            }
        }
        return Map.copyOf(c);
    }
}
