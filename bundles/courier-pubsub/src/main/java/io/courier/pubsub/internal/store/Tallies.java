package io.courier.pubsub.internal.store;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A topic's last message and a subscription's delivered and expired counts and last delivery, gathered in memory
 * and written to their rows at most about once a second ({@link Store#flushTallies}), rather than by every commit.
 * Updated by every commit, they cost two more statements per commit and a lock on one topic row and one
 * subscription row that any other writer's commit on the same topic or subscription would wait for: rows that
 * several writers, or several nodes, update at once are what a database serializes on. The updates add to the row
 * (counts) or keep the newest (last message), so writers that flush their own tallies never overwrite each
 * other's.
 * <p>
 * What a commit adds applies once it has committed. The views read the rows, then add what is not written yet,
 * under the lock a flush holds from taking the tallies to its commit: no tally is counted twice or missed. A crash
 * forgets what was gathered since the last flush: the counts and the last message shown fall behind by at most
 * that second; no message and no delivery depends on them.
 */
final class Tallies {

    /** A topic's last message. */
    record Last(String msgId, long at, String preview) {
    }

    /** A subscription's deliveries done: delivered, expired, and the time of the last one. */
    record Done(long delivered, long expired, long lastAt) {

        Done plus(Done other) {
            return new Done(delivered + other.delivered, expired + other.expired, Math.max(lastAt, other.lastAt));
        }
    }

    /** What the rows do not hold yet. */
    record Unwritten(Map<Long, Last> lastByTopic, Map<Long, Done> doneBySubscription) {

        /** In key order: every node's flush updates the shared rows in one order, so no two wait for each other. */
        Unwritten() {
            this(new TreeMap<>(), new TreeMap<>());
        }

        boolean isEmpty() {
            return lastByTopic.isEmpty() && doneBySubscription.isEmpty();
        }

        void published(List<NewMessage> messages) {
            for (NewMessage m : messages) {
                last(m.topicId(), new Last(m.msgId(), m.publishedAt(), m.preview()));
            }
        }

        void last(long topicId, Last last) {
            lastByTopic.merge(topicId, last, (a, b) -> b.at() >= a.at() ? b : a);
        }

        void done(long subscriptionId, Done done) {
            doneBySubscription.merge(subscriptionId, done, Done::plus);
        }

        void addTo(Unwritten other) {
            lastByTopic.forEach(other::last);
            doneBySubscription.forEach(other::done);
        }
    }

    /** Held by a flush from taking the tallies to its commit, and by a view from reading the rows to adding these. */
    private final Lock flushing = new ReentrantLock();
    private Unwritten unwritten = new Unwritten(); // guarded by this

    /** Adds what a transaction gathered, once it has committed. */
    synchronized void add(Unwritten committed) {
        committed.addTo(unwritten);
    }

    /**
     * Writes what is gathered through {@code write} (one transaction); on failure, it stays gathered for the next
     * flush (a commit whose answer was lost would then count twice: counts are figures for people, not messages).
     * Flushes one at a time.
     *
     * @param wait whether to wait while a view reads; if not, and one is, nothing is written
     * @return false if put off because a view was reading
     */
    boolean flush(boolean wait, Consumer<Unwritten> write) {
        if (wait) {
            flushing.lock();
        } else if (!flushing.tryLock()) {
            return false;
        }
        try {
            Unwritten taken;
            synchronized (this) {
                if (unwritten.isEmpty()) {
                    return true;
                }
                taken = unwritten;
                unwritten = new Unwritten();
            }
            try {
                write.accept(taken);
            } catch (RuntimeException | Error e) {
                add(taken);
                throw e;
            }
            return true;
        } finally {
            flushing.unlock();
        }
    }

    /** Reads the rows with {@code read}, then returns them with what is not written yet (a copy) given to it. */
    <T> T read(Supplier<T> read, BiFunction<T, Unwritten, T> merge) {
        flushing.lock();
        try {
            T rows = read.get();
            Unwritten copy = new Unwritten();
            synchronized (this) {
                unwritten.addTo(copy);
            }
            return merge.apply(rows, copy);
        } finally {
            flushing.unlock();
        }
    }
}
