package io.courier.pubsub.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.InvalidPublishException;
import io.courier.api.PublishException;
import io.courier.pubsub.internal.store.Acknowledgement;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.DuplicateMessageIdException;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Store;

/**
 * Group commit: publishers hand their message to one writer thread and wait; the writer stores whatever has
 * queued up meanwhile in one transaction (one fsync), then releases each publisher. A publisher therefore
 * returns only once its own message is durable, and concurrent publishers share the cost of the commit. The
 * messages of one batch publish stay together, in one transaction; a commit holds about {@link #MAX_BATCH}
 * messages at most (a single batch publish may exceed it).
 * <p>
 * Delivery workers acknowledge their batches the same way: the outcomes queued meanwhile ride in the same
 * transaction as the publishes, so that publishing and acknowledging share one write to disk instead of
 * taking turns at it. While publishes are coming in, acknowledgements that find no publish queued wait up to
 * {@link #ACK_LINGER_MICROS} µs for the next one: otherwise each would take a disk sync of its own, which the
 * next publisher then waits out (with one publisher, two syncs per message instead of one).
 * <p>
 * Publishers that publish one message after another come back right after the commit that released them. A
 * commit that began without them would make them wait for it to end, then for one more. So a commit waits
 * up to {@link #GATHER_MICROS} µs for as many publish calls as the last commit answered. With eight such
 * publishers, commits went from about 5 to 7.8 messages each, and the rate rose by about a quarter.
 * <p>
 * Before a commit, the writer asks {@code handoffRoom} how many new deliveries of each subscription it stores may be
 * handed over to that subscription's worker as they are stored (see {@link Store#write}). Once the commit succeeds,
 * it hands its messages to {@code onStored} with those deliveries, before it answers the commit's callers: an
 * acknowledgement of one of those deliveries can only be written by a later commit.
 * <p>
 * Every {@link #TALLIES_MS} ms, and once more when it stops, the writer also writes the topics' last messages and
 * the subscriptions' counts that its commits gathered ({@link Store#flushTallies}).
 */
final class GroupCommitWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    static final int MAX_BATCH = 500;
    private static final int QUEUE_CAPACITY = 10_000;
    static final long ACK_LINGER_MICROS = 1_000;
    static final long GATHER_MICROS = 200;
    static final long TALLIES_MS = 1_000;

    /** What waits for the writer: the messages of one publish call, or the outcome of one delivery batch. */
    private record Pending(List<NewMessage> messages, Acknowledgement acknowledgement,
            CompletableFuture<Void> stored) {

        static Pending publish(List<NewMessage> messages) {
            return new Pending(messages, null, new CompletableFuture<>());
        }

        static Pending acknowledge(Acknowledgement acknowledgement) {
            return new Pending(List.of(), acknowledgement, new CompletableFuture<>());
        }
    }

    private final Store store;
    private final LongToIntFunction handoffRoom;
    private final BiConsumer<List<NewMessage>, List<DueDelivery>> onStored;
    private final long ackLingerNanos;
    private final long gatherNanos;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** Publishers enqueue under the read lock; stopping takes the write lock, so nothing enqueues after it. */
    private final ReadWriteLock accepting = new ReentrantReadWriteLock();
    private volatile boolean running;
    private Thread thread;

    GroupCommitWriter(Store store, LongToIntFunction handoffRoom,
            BiConsumer<List<NewMessage>, List<DueDelivery>> onStored) {
        this(store, handoffRoom, onStored, TimeUnit.MICROSECONDS.toNanos(ACK_LINGER_MICROS),
                TimeUnit.MICROSECONDS.toNanos(GATHER_MICROS));
    }

    GroupCommitWriter(Store store, LongToIntFunction handoffRoom,
            BiConsumer<List<NewMessage>, List<DueDelivery>> onStored, long ackLingerNanos, long gatherNanos) {
        this.store = store;
        this.handoffRoom = handoffRoom;
        this.onStored = onStored;
        this.ackLingerNanos = ackLingerNanos;
        this.gatherNanos = gatherNanos;
    }

    void start() {
        running = true;
        thread = new Thread(this::run, "courier-publish-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stores what is queued, then stops. */
    void stop() {
        stopAccepting();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued("Courier pub/sub stopped before storing the message");
    }

    private void stopAccepting() {
        accepting.writeLock().lock();
        try {
            running = false;
        } finally {
            accepting.writeLock().unlock();
        }
    }

    private void failQueued(String reason) {
        Pending left;
        while ((left = queue.poll()) != null) {
            left.stored().completeExceptionally(new PublishException(reason));
        }
    }

    /** Stores a message; returns once it is committed. */
    void store(NewMessage message) {
        storeAll(List.of(message));
    }

    /** Stores messages in one transaction; returns once they are committed. */
    void storeAll(List<NewMessage> messages) {
        NewMessage message = messages.get(0);
        Pending p = Pending.publish(messages);
        if (!enqueue(p)) {
            throw new PublishException("Courier pub/sub is stopping: the message to '" + message.msgId()
                    + "' was not stored; publish it again once Courier is running");
        }
        try {
            p.stored().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PublishException pe) {
                throw pe;
            }
            throw new PublishException("The message could not be stored: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted while the message " + message.msgId()
                    + (messages.size() > 1 ? " and " + (messages.size() - 1) + " more" : "")
                    + " was being stored: it may or may not have been stored");
        }
    }

    /**
     * Records the outcome of a delivery batch; returns once it is committed.
     *
     * @throws IllegalStateException if the writer is stopping or the store failed: nothing was recorded, the
     *                               batch's messages are delivered again
     * @throws InterruptedException  if interrupted while waiting: the outcome may or may not be recorded
     */
    void acknowledge(Acknowledgement acknowledgement) throws InterruptedException {
        if (acknowledgement.outcome().isEmpty() && acknowledgement.outcome().released().isEmpty()) {
            return;
        }
        Pending p = Pending.acknowledge(acknowledgement);
        if (!enqueue(p)) {
            throw new IllegalStateException("Courier pub/sub is stopping: the outcome of the delivery batch was not"
                    + " recorded; its messages are delivered again");
        }
        try {
            p.stored().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Queues work for the writer; false if the writer is stopping. */
    private boolean enqueue(Pending p) {
        accepting.readLock().lock();
        try {
            if (!running) {
                return false;
            }
            queue.put(p);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted before the message was queued; it was not stored");
        } finally {
            accepting.readLock().unlock();
        }
    }

    /** What one commit holds, with its counts. */
    private static final class Batch {
        final List<Pending> pending = new ArrayList<>();
        int messages;
        int publishes;

        void add(Pending p) {
            pending.add(p);
            messages += p.messages().size();
            if (!p.messages().isEmpty()) {
                publishes++;
            }
        }

        void clear() {
            pending.clear();
            messages = 0;
            publishes = 0;
        }
    }

    private void run() {
        try {
            writeUntilStopped();
        } finally {
            if (running) { // the thread ends on its own (interrupted): nothing queued may wait for it in vain
                stopAccepting();
                failQueued("Courier pub/sub's writer stopped before storing the message; restart Courier pub/sub");
                LOG.error("The publish writer stopped: publishing fails until Courier pub/sub restarts");
            }
        }
    }

    private void writeUntilStopped() {
        Batch batch = new Batch();
        int answered = 0; // the publish calls of the last commit
        long talliesAt = System.nanoTime();
        while (running || !queue.isEmpty()) {
            if (System.nanoTime() - talliesAt >= TimeUnit.MILLISECONDS.toNanos(TALLIES_MS) && flushTallies(false)) {
                talliesAt = System.nanoTime();
            }
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                take(first, batch);
                if (batch.messages == 0 && answered > 0) {
                    gather(batch, 1, ackLingerNanos); // acknowledgements alone: wait for a publish to ride with
                }
                if (batch.messages > 0) {
                    gather(batch, answered, gatherNanos);
                }
                write(batch.pending);
                answered = batch.publishes;
            } catch (InterruptedException e) {
                // interrupted while gathering: what the batch holds is still written, its callers answered
                write(batch.pending);
                flushTallies(true);
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) { // an Error too (out of memory...): its callers hear of it, the writer goes on
                LOG.error("Unexpected failure of the publish writer", e);
                batch.pending.forEach(p -> p.stored().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        flushTallies(true);
    }

    /** Whether the last flush of tallies failed: said once, until one succeeds. Writer thread only. */
    private boolean talliesFailing;

    /**
     * Writes the gathered tallies; {@code wait}: even if a view is reading them (at stop), else only if none is, so
     * that publishes never wait for a view. Returns whether it was done or tried, rather than put off.
     */
    private boolean flushTallies(boolean wait) {
        try {
            boolean done = store.flushTallies(wait);
            talliesFailing = false;
            return done;
        } catch (RuntimeException | Error e) { // the writer goes on whatever the flush met
            if (!talliesFailing) {
                talliesFailing = true;
                LOG.warn("The topics' last messages and the subscriptions' counts could not be written: {}; kept and"
                        + " tried again every {} ms (said once, until it succeeds)", rootMessage(e), TALLIES_MS);
            }
            return true;
        }
    }

    /** Adds to the batch what is queued until it holds this many publish calls, for at most this long. */
    private void gather(Batch batch, int publishes, long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        Pending next;
        while (batch.publishes < publishes && batch.messages < MAX_BATCH && running
                && (next = queue.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            take(next, batch);
        }
    }

    /** Adds {@code first} and whatever else is queued to the batch, up to about {@link #MAX_BATCH} messages. */
    private void take(Pending first, Batch batch) {
        Pending next = first;
        do {
            batch.add(next);
        } while (batch.messages < MAX_BATCH && (next = queue.poll()) != null);
    }

    /** Whether the last commit failed: its failure was logged, the next ones are not. Writer thread only. */
    private boolean failing;

    private void write(List<Pending> batch) {
        List<NewMessage> messages = batch.stream().flatMap(p -> p.messages().stream()).toList();
        List<DueDelivery> handedOver;
        try {
            handedOver = store.write(messages,
                    batch.stream().map(Pending::acknowledgement).filter(Objects::nonNull).toList(), handOver());
        } catch (RuntimeException e) {
            if (batch.size() > 1 && e instanceof DuplicateMessageIdException) {
                // One bad message must not fail the others: store them one by one.
                batch.forEach(p -> write(List.of(p)));
                return;
            }
            // The store failed (database unreachable...): every caller of this commit gets the failure at once,
            // rather than each waiting for the store to fail again; the log says it once until a commit succeeds
            if (!failing && !(e instanceof DuplicateMessageIdException)) {
                failing = true;
                LOG.warn("Publishes fail, the store could not write: {} (said once, until a commit succeeds)",
                        rootMessage(e));
            }
            batch.forEach(p -> p.stored().completeExceptionally(p.messages().isEmpty() ? e
                    : reason(p.messages().get(0), e)));
            return;
        }
        if (failing) {
            failing = false;
            LOG.info("Publishes are stored again");
        }
        if (!messages.isEmpty()) {
            try {
                onStored.accept(messages, handedOver);
            } catch (RuntimeException e) {
                LOG.error("Could not wake the delivery of newly stored messages; they are delivered on the next"
                        + " wake-up", e);
            }
        }
        batch.forEach(p -> p.stored().complete(null));
    }

    /** Which new deliveries to hand over: of each subscription, as many as its worker had room for before the commit. */
    private LongPredicate handOver() {
        Map<Long, Integer> room = new HashMap<>();
        return subscriptionId -> {
            int left = room.computeIfAbsent(subscriptionId, handoffRoom::applyAsInt);
            room.put(subscriptionId, Math.max(0, left - 1));
            return left > 0;
        };
    }

    private static PublishException reason(NewMessage m, RuntimeException e) {
        if (e instanceof DuplicateMessageIdException d) {
            return new InvalidPublishException("Message id '" + d.msgId() + "' is already in use by a stored message: "
                    + "nothing was published; choose another id or let Courier generate one");
        }
        return new PublishException("The message could not be stored, nothing was published: " + rootMessage(e), e);
    }

    /** The root cause's message, its first line only: an error a caller reads is one line (PostgreSQL adds details). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
