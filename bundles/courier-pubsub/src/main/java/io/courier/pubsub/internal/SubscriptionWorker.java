package io.courier.pubsub.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.core.RegisteredService;
import io.courier.core.ServiceGoneException;
import io.courier.pubsub.internal.store.BatchOutcome;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.SubscriptionRow;

/**
 * Delivers one subscription's messages, one batch per run: fetch the due deliveries, call the service for
 * each, record the outcome of the whole batch in one transaction. Queued on the engine's pool at most once at
 * a time; a wake-up during a run makes it run again.
 * <p>
 * Once a run has delivered everything that was due, the worker takes in hand the deliveries this node stores for it
 * from then on, as they are stored ({@link #handoffRoom}), and delivers them without fetching them back. The hand is
 * a copy of rows of the store, claimed by this node as it stored them where nodes share the database: a fetch reads
 * them too, so a fetch drops from the hand what it fetched, and until its batch is acknowledged a handoff of one of
 * them is dropped. That holds because every acknowledgement is written by the publish writer, after it has handed
 * over what the same or an earlier commit stored ({@link GroupCommitWriter}). Any other wake-up (a retry due, a
 * registration, the sweep, a failure) makes the next run fetch, and so does a run a quarter of the lease after the last
 * fetch: retries, higher priorities, other nodes' leftovers and backlogs are delivered in the store's order. A run
 * that may not deliver (service gone, paused, ...) lets go of what the hand holds, for the store and any node.
 * <p>
 * Only the service's own failures count as attempts. A delivery that could not be made because the service went
 * away, Courier is stopping, or no handler thread was free stays pending with its attempts unchanged.
 */
final class SubscriptionWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWorker.class);
    private static final long STORE_RETRY_MIN_MS = 1_000;
    private static final long STORE_RETRY_MAX_MS = 30_000;
    /** How long a call may go on after its interrupt before the service is reported as hung. */
    static final long HUNG_AFTER_INTERRUPT_MS = 1_000;
    /**
     * While this node does not hold its name, or another node delivers an ordered subscription, the worker looks
     * again after this long.
     */
    static final long NODE_RETRY_MS = 1_000;
    /** When every handler thread is taken, the next try comes after this long. */
    static final long NO_THREAD_RETRY_MS = 1_000;
    /**
     * A batch is acknowledged once this long has passed since it was fetched, checked after each message: with a
     * slow service, this bounds both what a crash redelivers and how long acknowledged work waits in memory, to
     * this long plus one call.
     */
    static final long MAX_BATCH_MS = 250;

    /** What became of one delivery. */
    private enum Result {
        DELIVERED, FAILED,
        /** Not attempted, or not the message's failure: it stays pending, attempts unchanged; the batch ends. */
        DEFERRED
    }

    private final DeliveryEngine engine;
    private final SubscriptionRow subscription;
    private final String topic;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean again;
    /** Whether the next run fetches from the store; else it delivers what the hand holds. */
    private volatile boolean lookInStore = true;
    /** When the last fetch was made (System.nanoTime). */
    private volatile long fetchedAt = System.nanoTime();
    /** Whether new deliveries are handed to this worker as they are stored: set by each run, for the next. */
    private volatile boolean takingHandoffs;
    /** Deliveries stored by this node, handed over, each with when (System.nanoTime). Guarded by itself. */
    private final ArrayDeque<Handed> hand = new ArrayDeque<>();
    /** The deliveries of the fetched batch until it is acknowledged: not taken in hand again. Guarded by hand. */
    private Set<Long> fetched = Set.of();
    /** Deliveries whose claims a release could not let go of (the store failed): let go by the next run. */
    private final List<DueDelivery> toLetGo = new ArrayList<>(); // worker thread only

    private record Handed(DueDelivery delivery, long at) {
    }
    /** When the service last registered: what its previous registration left waiting for a retry is due at once. */
    private volatile long registeredAt;
    /** A call given up on (timed out) that has not returned yet: no other call goes to the service meanwhile. */
    private volatile HandlerThreads.Call abandoned;
    /** Until when the head of an ordered queue is not due: nothing else may go before it. */
    private volatile long headDueAt;
    private ScheduledFuture<?> timer; // guarded by this
    private long timerAt; // guarded by this
    private volatile boolean hungReported;
    private long storeRetryMs = STORE_RETRY_MIN_MS;
    private boolean noThreadReported;

    SubscriptionWorker(DeliveryEngine engine, SubscriptionRow subscription, String topic) {
        this.engine = engine;
        this.subscription = subscription;
        this.topic = topic;
    }

    /** The service registered (again): deliver what waits for it now, retries included. */
    void registered(long at) {
        registeredAt = at;
        wake();
    }

    /** Makes the worker fetch what is due now. */
    void wake() {
        lookInStore = true;
        runSoon();
    }

    private void runSoon() {
        again = true;
        if (queued.compareAndSet(false, true)) {
            engine.execute(this);
        }
    }

    /**
     * How many of the deliveries stored from now on may be handed to this worker (where nodes share the database,
     * claimed by this node as they are stored): none unless its last run delivered all that was due and was not
     * ordered; then what fills the hand up to a batch. Beyond, new deliveries wait in the store, for a later fetch
     * or another node: a node holds at most a batch in hand besides the one it delivers.
     */
    int handoffRoom() {
        if (!takingHandoffs) {
            return 0;
        }
        synchronized (hand) {
            return Math.max(0, engine.batchSize() - hand.size());
        }
    }

    /** Deliveries just stored for this subscription, claimed by this node: delivered by the next run. */
    void hand(List<DueDelivery> stored) {
        long now = System.nanoTime();
        synchronized (hand) {
            for (DueDelivery d : stored) {
                if (!fetched.contains(d.deliveryId())) {
                    hand.add(new Handed(d, now));
                }
            }
        }
        runSoon();
    }

    /**
     * The subscription's pending deliveries were purged here: those in hand are gone from the store, not delivered;
     * the next run fetches (what a commit stored just after the purge is still there).
     */
    void purged() {
        synchronized (hand) {
            hand.clear();
        }
        wake();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Calls to the service abandoned after their timeout that have not returned yet: 0 or 1. */
    int hung() {
        HandlerThreads.Call call = abandoned;
        return call != null && !call.returned() ? 1 : 0;
    }

    /**
     * Whether the periodic sweep should look for due deliveries of this subscription: not while it is queued or
     * running, waits for an abandoned call, or waits for the head of an ordered queue.
     */
    boolean idleAt(long now) {
        return !queued.get() && abandoned == null && headDueAt <= now;
    }

    @Override
    public void run() {
        again = false;
        boolean more = false;
        try {
            more = deliverBatch();
            if (storeRetryMs > STORE_RETRY_MIN_MS) {
                LOG.info("Delivery to '{}' of topic '{}' resumed: the store answers again", subscription.subscriber(),
                        topic);
            }
            storeRetryMs = STORE_RETRY_MIN_MS;
        } catch (RuntimeException e) {
            // The store failed (database unavailable...): nothing was acknowledged; try again later, saying so once.
            if (storeRetryMs == STORE_RETRY_MIN_MS) {
                LOG.warn("Delivery to '{}' of topic '{}' paused, the store failed: {}. Retrying every {} to {} s; nothing"
                        + " is lost meanwhile", subscription.subscriber(), topic, e.toString(),
                        STORE_RETRY_MIN_MS / 1000, STORE_RETRY_MAX_MS / 1000);
            }
            LOG.debug("Store failure; next try in {} ms", storeRetryMs, e);
            takingHandoffs = false;
            lookInStore = true;
            wakeAt(System.currentTimeMillis() + storeRetryMs);
            storeRetryMs = Math.min(storeRetryMs * 2, STORE_RETRY_MAX_MS);
        } finally {
            inFlight.set(0);
            queued.set(false);
            if ((more || again) && engine.running()) {
                runSoon(); // whether it fetches was set by this run, or by the wake-up meanwhile
            }
        }
    }

    /** What a run delivers to: the service registered here, and its policy. */
    private record Target(RegisteredService service, DeliveryPolicy policy) {
    }

    /** Delivers one batch; returns whether there may be more to deliver now. */
    private boolean deliverBatch() {
        letGoOf(List.of()); // what an earlier release could not let go of
        Target target = target();
        if (target == null) {
            letGoOfHand();
            return false;
        }
        RegisteredService service = target.service();
        DeliveryPolicy policy = target.policy();
        long now = System.currentTimeMillis();
        int limit = engine.batchSize();
        boolean fetching = lookInStore || policy.ordered()
                || System.nanoTime() - fetchedAt >= TimeUnit.MILLISECONDS.toNanos(engine.store().leaseMs() / 4);
        List<DueDelivery> batch;
        if (fetching) {
            fetchedAt = System.nanoTime();
            batch = engine.store().fetchDue(subscription.id(), now, registeredAt, limit, policy.ordered());
            lookInStore = false;
            LOG.debug("{} deliveries of '{}' to '{}' fetched", batch.size(), topic, subscription.subscriber());
            holdFetched(batch);
            headDueAt = 0;
            if (batch.isEmpty()) {
                engine.store().nextAttemptAt(subscription.id(), now).ifPresent(this::wakeAt);
                takingHandoffs = !policy.ordered();
                return false;
            }
        } else {
            batch = takeFromHand(limit);
            if (batch.isEmpty()) {
                takingHandoffs = !lookInStore; // what it dropped as too old is fetched again
                return lookInStore;
            }
        }
        inFlight.set(batch.size());
        BatchOutcome outcome = new BatchOutcome();
        // the budget starts once the batch is in hand: a slow fetch (waiting for a connection) must not eat it
        long deadline = System.currentTimeMillis() + MAX_BATCH_MS;
        boolean cutShort = false;
        for (DueDelivery d : batch) {
            if (!engine.running()) {
                break; // stopping: the rest stays pending, as it is
            }
            if (System.currentTimeMillis() > deadline) {
                cutShort = true; // the rest stays pending, fetched again by the next run, at once
                break;
            }
            if (!d.dueAt(now, registeredAt)) { // ordered: the head is not due yet
                headDueAt = d.nextAttemptAt();
                wakeAt(d.nextAttemptAt());
                break;
            }
            if (d.expiredAt(now)) {
                outcome.expired(d);
                LOG.debug("Message {} to '{}' expired before delivery", d.msgId(), subscription.subscriber());
            } else {
                Result result = deliver(service, d, policy, outcome);
                if (result == Result.DEFERRED || abandoned != null || (result == Result.FAILED && policy.ordered())) {
                    break; // an abandoned call still running: no other call until it returns
                }
            }
            inFlight.decrementAndGet();
        }
        if (engine.running()) {
            releaseTheRest(batch, outcome); // stopping: the node's stop lets go of all it holds
        }
        try {
            engine.acknowledge(subscription, outcome);
        } catch (InterruptedException e) {
            // Courier is stopping: whatever was not recorded is delivered again after the restart
            Thread.currentThread().interrupt();
            return false;
        } finally {
            holdFetched(List.of());
        }
        // Every delivery of the batch done with, and a fetch that found fewer than it could take: nothing else was due
        // in the store for this node (a retry to come has its wake-up), and what is stored from now on comes in hand.
        // Otherwise (a full batch, a failure, a batch cut short or deferred) the next run fetches.
        boolean allDone = outcome.delivered().size() + outcome.expired().size() == batch.size();
        boolean caughtUp = allDone && !(fetching && batch.size() == limit);
        if (!caughtUp) {
            lookInStore = true;
        }
        takingHandoffs = caughtUp && !policy.ordered() && engine.running();
        return abandoned == null && (!caughtUp && (cutShort || batch.size() == limit || !outcome.failed().isEmpty())
                || handHolds());
    }

    /**
     * The service to deliver to, and its policy; null if this run may not deliver: no service registered here, paused,
     * this node not holding its name, another node delivering the ordered subscription, or an abandoned call that has
     * not returned (each wakes the worker again as it says).
     */
    private Target target() {
        if (abandoned != null) {
            return null; // the abandoned call's return wakes the worker
        }
        Optional<RegisteredService> found = engine.registry().find(subscription.subscriber());
        if (found.isEmpty()) {
            LOG.debug("'{}' is not registered: its messages on '{}' wait for it", subscription.subscriber(), topic);
            return null; // delivered when the service registers again
        }
        if (engine.paused(subscription.id())) {
            LOG.debug("Delivery to '{}' of topic '{}' is paused", subscription.subscriber(), topic);
            return null; // resume wakes it
        }
        if (!engine.nodeHeld()) {
            LOG.debug("This node does not hold its name yet: delivery to '{}' waits", subscription.subscriber());
            wakeAt(System.currentTimeMillis() + NODE_RETRY_MS);
            return null;
        }
        DeliveryPolicy policy = engine.policy(found.get());
        if (policy.ordered() && !engine.store().holdOrdered(subscription.id())) {
            LOG.debug("Another node delivers the ordered subscription of '{}' to '{}'", topic,
                    subscription.subscriber());
            wakeAt(System.currentTimeMillis() + NODE_RETRY_MS);
            return null;
        }
        return new Target(found.get(), policy);
    }

    /** The fetched batch, held until it is acknowledged: dropped from the hand, and not taken in hand again. */
    private void holdFetched(List<DueDelivery> batch) {
        synchronized (hand) {
            fetched = batch.stream().map(DueDelivery::deliveryId).collect(Collectors.toSet());
            hand.removeIf(h -> fetched.contains(h.delivery().deliveryId()));
        }
    }

    /**
     * Up to {@code limit} deliveries from the hand, highest priority first, then in publish order. One handed over
     * half a lease ago or more is left to a fetch, which reads it if this node still holds it: until then, no other
     * node can have taken it, this node having held its name when it was stored and when it is taken (see
     * {@link DeliveryEngine#nodeHeld}).
     */
    private List<DueDelivery> takeFromHand(int limit) {
        long oldest = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(engine.store().leaseMs() / 2);
        List<DueDelivery> batch = new ArrayList<>();
        synchronized (hand) {
            while (batch.size() < limit && !hand.isEmpty()) {
                Handed h = hand.poll();
                if (h.at() - oldest > 0) {
                    batch.add(h.delivery());
                } else {
                    lookInStore = true;
                }
            }
        }
        batch.sort(Comparator.comparingInt(DueDelivery::priority).reversed()
                .thenComparingLong(DueDelivery::messageSeq)); // a fetch's order: message keys follow publish order
        return batch;
    }

    private boolean handHolds() {
        synchronized (hand) {
            return !hand.isEmpty();
        }
    }

    /**
     * Takes no more deliveries in hand and lets go of those it holds, for the store to deliver: where nodes share the
     * database, their claims let go and the nodes where the service is registered woken. The next run fetches.
     */
    private void letGoOfHand() {
        takingHandoffs = false;
        lookInStore = true;
        List<DueDelivery> held;
        synchronized (hand) {
            held = hand.stream().map(Handed::delivery).toList();
            hand.clear();
        }
        if (letGoOf(held)) {
            engine.wake(subscription.id());
        }
    }

    /**
     * Lets go of the claims on these deliveries, and on those an earlier release could not let go of; returns
     * whether it let go of any. Where one node has the database to itself, there is nothing to let go of.
     *
     * @throws RuntimeException if the store failed: they are let go of by the next run, never delivered from the
     *                          hand (another node may deliver them meanwhile)
     */
    private boolean letGoOf(List<DueDelivery> deliveries) {
        toLetGo.addAll(deliveries);
        if (toLetGo.isEmpty() || !engine.store().sharedByNodes()) {
            toLetGo.clear();
            return false;
        }
        BatchOutcome outcome = new BatchOutcome();
        toLetGo.forEach(outcome::released);
        try {
            engine.acknowledge(subscription, outcome);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the node's stop lets go of its claims
        }
        toLetGo.clear();
        return true;
    }

    /** Adds to the outcome, as released, each delivery of the batch that it holds nothing about: not attempted. */
    private static void releaseTheRest(List<DueDelivery> batch, BatchOutcome outcome) {
        Set<Long> done = new HashSet<>();
        outcome.delivered().forEach(d -> done.add(d.deliveryId()));
        outcome.expired().forEach(d -> done.add(d.deliveryId()));
        outcome.failed().forEach(f -> done.add(f.deliveryId()));
        batch.stream().filter(d -> !done.contains(d.deliveryId())).forEach(outcome::released);
    }

    /** Delivers one message and adds what became of it to the outcome, unless deferred. */
    private Result deliver(RegisteredService service, DueDelivery d, DeliveryPolicy policy, BatchOutcome outcome) {
        int attempt = d.attempts() + 1;
        HandlerThreads.Call call;
        try {
            DeliveredMessage message = new DeliveredMessage(d, topic);
            call = engine.call(() -> service.deliver(message), this::callReturned);
        } catch (RejectedExecutionException e) {
            if (!engine.running()) {
                return Result.DEFERRED;
            }
            if (!noThreadReported) {
                noThreadReported = true;
                LOG.warn("No handler thread free for '{}' ({} taken, most by calls that hang); its messages wait and"
                        + " are tried again every {} ms", service.name(), engine.maxHandlerThreads(), NO_THREAD_RETRY_MS);
            }
            wakeAt(System.currentTimeMillis() + NO_THREAD_RETRY_MS);
            return Result.DEFERRED;
        }
        noThreadReported = false;
        try {
            call.await(policy.timeoutMs());
            outcome.delivered(d);
            engine.handled(service.name(), d.publishedAt());
            return Result.DELIVERED;
        } catch (InterruptedException e) {
            // Courier is stopping: not the message's failure; it is delivered again after the restart.
            Thread.currentThread().interrupt();
            abandoned(call, service, d);
            return Result.DEFERRED;
        } catch (Throwable e) { // Errors too: a StackOverflowError or an OutOfMemoryError in one service is its failure
            if (e instanceof DeliveryTimeoutException) {
                abandoned(call, service, d);
            }
            if (e instanceof ServiceGoneException) {
                // Not an attempt: the service went away before the call. Its messages wait for it.
                LOG.debug("Service '{}' went away before message {} reached it", service.name(), d.msgId());
                return Result.DEFERRED;
            }
            if (!engine.running()) {
                // Courier is stopping: what failed meanwhile (an interrupted call, a store that closed) is not the
                // message's failure; it is delivered again after the start.
                LOG.debug("Delivery of {} to '{}' ended by the stop of pub/sub: {}", d.msgId(), service.name(),
                        e.toString());
                return Result.DEFERRED;
            }
            if (engine.registry().find(service.name()).filter(current -> current == service).isEmpty()) {
                // The registration went away during the call (its bundle stopping, a new version coming): the
                // failure is not the message's. It stays pending, attempts unchanged, for the next registration.
                LOG.info("Service '{}' went away while message {} was being delivered ({}); it is delivered again"
                        + " when the service is back", service.name(), d.msgId(), e.toString());
                return Result.DEFERRED;
            }
            recordFailure(service, d, policy, attempt, e, outcome);
            return Result.FAILED;
        }
    }

    private void recordFailure(RegisteredService service, DueDelivery d, DeliveryPolicy policy, int attempt,
            Throwable e, BatchOutcome outcome) {
        long now = System.currentTimeMillis();
        boolean dead = policy.exhausted(attempt);
        long next = dead ? now : now + policy.backoffMs(attempt);
        outcome.failed(new BatchOutcome.Failure(d.deliveryId(), attempt, next, dead, e.toString()));
        if (!dead) {
            wakeAt(next); // fetched then: the hand may keep the worker busy without a fetch until then
        }
        if (dead) {
            LOG.warn("Message {} to '{}' is a dead letter after {} attempts; last error: {}"
                    + " (courier:browse --dead {} lists it)", d.msgId(), service.name(), attempt, e.toString(),
                    service.name());
        } else if (attempt == 1) {
            LOG.warn("Delivery of {} to '{}' failed (attempt {} of {}), retrying in {} ms", d.msgId(),
                    service.name(), attempt, policy.maxAttempts(), next - now, e);
        } else {
            LOG.warn("Delivery of {} to '{}' failed (attempt {} of {}), retrying in {} ms: {}", d.msgId(),
                    service.name(), attempt, policy.maxAttempts(), next - now, e.toString());
            LOG.debug("Failure of {}", d.msgId(), e);
        }
    }

    /**
     * A call was given up on and its thread interrupted. Until it returns, no other call goes to the service; if it
     * has not returned a moment after the interrupt, the service is reported as hung, once.
     */
    private void abandoned(HandlerThreads.Call call, RegisteredService service, DueDelivery d) {
        if (call.returned()) {
            return;
        }
        abandoned = call;
        if (call.returned()) { // returned meanwhile: its own callback may have run before the field was set
            callReturned();
            return;
        }
        engine.schedule(() -> {
            if (abandoned == call && !call.returned()) {
                hungReported = true;
                LOG.warn("Service '{}' ignores the interrupt of its call for message {}: its thread is held until it"
                        + " returns, and no other message of topic '{}' goes to it meanwhile (courier:services counts"
                        + " it as hung)", service.name(), d.msgId(), topic);
            }
        }, HUNG_AFTER_INTERRUPT_MS);
    }

    /** Run on the handler thread when a call returns: an abandoned call that returns frees the subscription. */
    private void callReturned() {
        HandlerThreads.Call call = abandoned;
        if (call != null && call.returned()) {
            abandoned = null;
            if (hungReported) {
                hungReported = false;
                LOG.info("Service '{}' returned from its hung call; delivery of topic '{}' to it goes on",
                        subscription.subscriber(), topic);
            }
            wake();
        }
    }

    /** Makes sure the worker wakes by the given time. */
    private synchronized void wakeAt(long when) {
        if (timer != null && !timer.isDone() && timerAt <= when) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = when;
        timer = engine.schedule(this::wake, Math.max(0, when - System.currentTimeMillis()));
    }
}
