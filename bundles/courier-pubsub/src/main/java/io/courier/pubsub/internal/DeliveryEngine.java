package io.courier.pubsub.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.internal.store.Acknowledgement;
import io.courier.pubsub.internal.store.BatchOutcome;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.WakeChannel;

/**
 * Runs the delivery workers: one {@link SubscriptionWorker} per subscription, run on a shared pool of threads
 * when it has work, one batch at a time so that busy subscriptions take turns. Workers are woken by publishes,
 * by a timer when their next retry is due, and, as a safety net for any wake-up that never came, by a periodic
 * sweep that asks the store which idle subscriptions have due deliveries. A worker that has delivered all that was
 * due takes the deliveries this node stores for it in hand as they are stored, instead of fetching them back
 * ({@link SubscriptionWorker#handoffRoom}). Where nodes share the database, a publish to a service that is not
 * registered here wakes the nodes where it is ({@link WakeChannel}).
 */
final class DeliveryEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final Store store;
    private final ServiceRegistry registry;
    private final Routing routing;
    private final Function<RegisteredService, DeliveryPolicy> policies;
    private final Metrics metrics;
    private final Acknowledger acknowledger;
    private volatile int batchSize;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    /** Runs the services' handle for the workers, so that a worker can give up on a service that hangs. */
    private final HandlerThreads handlers;
    private final Map<Long, SubscriptionWorker> workers = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final Sweeps sweeps = new Sweeps();
    private ScheduledFuture<?> sweep;
    private volatile boolean running = true;
    /** The other nodes' wake-ups, and this node's to them; none until {@link #listenToOtherNodes}. */
    private volatile WakeChannel otherNodes = WakeChannel.NONE;

    private volatile BooleanSupplier nodeHeld = () -> true;

    DeliveryEngine(Store store, ServiceRegistry registry, Routing routing,
            Function<RegisteredService, DeliveryPolicy> policies, Metrics metrics, Acknowledger acknowledger,
            int threads, int batchSize, long sweepIntervalMs) {
        this.store = store;
        this.registry = registry;
        this.routing = routing;
        this.policies = policies;
        this.metrics = metrics;
        this.acknowledger = acknowledger;
        this.batchSize = batchSize;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "courier-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.handlers = new HandlerThreads(threads);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "courier-delivery-timer");
            t.setDaemon(true);
            return t;
        });
        sweepEvery(sweepIntervalMs);
    }

    /**
     * Wakes the other nodes from now on, and is woken by them: once this node's heartbeat runs, so that what a
     * wake-up makes it claim is claimed by a node the others see live.
     */
    synchronized void listenToOtherNodes() {
        if (running && otherNodes == WakeChannel.NONE) {
            otherNodes = store.openWakeChannel(this::wokenByAnotherNode);
        }
    }

    /** Whether this node may claim deliveries: it holds its name (see {@link #deliverWhile}). */
    boolean nodeHeld() {
        return nodeHeld.getAsBoolean();
    }

    /** Delivers only while {@code held} says this node holds its name; until called, always. */
    void deliverWhile(BooleanSupplier held) {
        nodeHeld = held;
    }

    /** Makes a subscription's worker look for due deliveries now. */
    void wake(SubscriptionRow subscription) {
        if (running) {
            worker(subscription).wake();
        }
    }

    /** A subscriber's service registered: its worker delivers what waits, retries included, now. */
    void registered(SubscriptionRow subscription, long at) {
        if (running) {
            worker(subscription).registered(at);
        }
    }

    /**
     * A subscription has work now (a publish, a retry, a resume): its worker looks at once if its service is
     * registered here, else the other nodes are woken (where nodes share the database).
     */
    void wake(long subscriptionId) {
        Optional<SubscriptionRow> here = registeredHere(subscriptionId);
        if (here.isPresent()) {
            wake(here.get());
        } else {
            otherNodes.wakeOthers(subscriptionId);
        }
    }

    /**
     * How many new deliveries of a subscription may go to its worker in memory as they are stored, claimed by this
     * node ({@link SubscriptionWorker#handoffRoom}): none unless its service is registered here, it is not paused and
     * this node holds its name.
     */
    int handoffRoom(long subscriptionId) {
        SubscriptionWorker w = workers.get(subscriptionId);
        return running && w != null && registeredHere(subscriptionId).filter(s -> !s.paused()).isPresent()
                && nodeHeld() ? w.handoffRoom() : 0;
    }

    /**
     * Messages were stored: their deliveries that {@link #handoffRoom} made room for, {@code handedOver}, go to their
     * workers; a subscription with others has its delivery woken.
     */
    void stored(List<NewMessage> stored, List<DueDelivery> handedOver) {
        Map<Long, Integer> count = new HashMap<>();
        stored.forEach(m -> m.subscriptionIds().forEach(id -> count.merge(id, 1, Integer::sum)));
        Map<Long, List<DueDelivery>> bySubscription = handedOver.stream()
                .collect(Collectors.groupingBy(DueDelivery::subscriptionId));
        count.forEach((subscriptionId, n) -> {
            List<DueDelivery> inHand = bySubscription.getOrDefault(subscriptionId, List.of());
            if (running && !inHand.isEmpty()) {
                workers.get(subscriptionId).hand(inHand); // once stopping, they are claims its stop lets go of
            }
            if (inHand.size() < n) {
                wake(subscriptionId);
            }
        });
    }

    /** The pending deliveries of these subscriptions were purged: what their workers hold in hand is not delivered. */
    void purged(Collection<Long> subscriptionIds) {
        subscriptionIds.stream().map(workers::get).filter(Objects::nonNull).forEach(SubscriptionWorker::purged);
    }

    /** Another node woke a subscription: its worker looks at once if its service is registered here. */
    private void wokenByAnotherNode(long subscriptionId) {
        registeredHere(subscriptionId).ifPresent(this::wake);
    }

    /** A subscription as the routing table knows it, if its service is registered here. */
    private Optional<SubscriptionRow> registeredHere(long subscriptionId) {
        return routing.subscription(subscriptionId).filter(s -> registry.find(s.subscriber()).isPresent());
    }

    /** Whether delivery to a subscription is paused (as stored, through the routing table). */
    boolean paused(long subscriptionId) {
        return routing.subscription(subscriptionId).map(SubscriptionRow::paused).orElse(false);
    }

    /** How many deliveries of a subscription are being delivered right now. */
    int inFlight(long subscriptionId) {
        SubscriptionWorker w = workers.get(subscriptionId);
        return w == null ? 0 : w.inFlight();
    }

    /** How many deliveries of every subscription are being delivered right now. */
    int inFlight() {
        return workers.values().stream().mapToInt(SubscriptionWorker::inFlight).sum();
    }

    /**
     * Stops taking new batches and new calls, and waits a little for the running ones; what is not acknowledged is
     * redelivered, and what fails from now on is not counted as an attempt.
     */
    void stop() {
        synchronized (this) {
            running = false;
            otherNodes.close();
        }
        timer.shutdownNow();
        handlers.shutdown();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    boolean running() {
        return running;
    }

    /** Applies a changed configuration: the batches and threads to come follow it, those running finish as they are. */
    synchronized void resize(int threads, int newBatchSize, long sweepIntervalMs) {
        batchSize = newBatchSize;
        handlers.resize(threads);
        sweepEvery(sweepIntervalMs);
        if (threads > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(threads);
            pool.setCorePoolSize(threads);
        } else {
            pool.setCorePoolSize(threads);
            pool.setMaximumPoolSize(threads);
        }
    }

    /** Records durably what a delivery batch did; returns once it is committed. */
    interface Acknowledger {
        void acknowledge(Acknowledgement acknowledgement) throws InterruptedException;
    }

    /**
     * Records a batch's outcome in the store, sharing a commit with publishes and other batches, and counts it.
     *
     * @throws RuntimeException     if the store failed: nothing was recorded
     * @throws InterruptedException if interrupted while waiting: the outcome may or may not be recorded
     */
    void acknowledge(SubscriptionRow subscription, BatchOutcome outcome) throws InterruptedException {
        acknowledger.acknowledge(new Acknowledgement(subscription.id(), outcome, System.currentTimeMillis()));
        String service = subscription.subscriber();
        metrics.delivered(service, outcome.delivered().size());
        metrics.failed(service, outcome.failed().size());
        metrics.dead(service, (int) outcome.failed().stream().filter(BatchOutcome.Failure::dead).count());
    }

    /** A delivery's {@code handle} ended now: its time from publish counts for the service's latency. */
    void handled(String service, long publishedAtMs) {
        metrics.handled(service, publishedAtMs, System.currentTimeMillis());
    }

    private SubscriptionWorker worker(SubscriptionRow s) {
        return workers.computeIfAbsent(s.id(), id -> new SubscriptionWorker(this, s, routing.topicName(s.topicId())));
    }

    Store store() {
        return store;
    }

    ServiceRegistry registry() {
        return registry;
    }

    DeliveryPolicy policy(RegisteredService service) {
        return policies.apply(service);
    }

    int batchSize() {
        return batchSize;
    }

    /**
     * Starts a worker's call of a service on a handler thread.
     *
     * @throws RejectedExecutionException if no handler thread is free, or delivery is stopping
     */
    HandlerThreads.Call call(Callable<Object> call, Runnable returned) {
        if (!running) {
            throw new RejectedExecutionException("delivery is stopping");
        }
        return handlers.start(call, returned);
    }

    int maxHandlerThreads() {
        return handlers.maxThreads();
    }

    /** Handler threads running a call now. */
    int busyHandlerThreads() {
        return handlers.busy();
    }

    /** Calls to a subscription's service abandoned after their timeout that have not returned yet. */
    int hung(long subscriptionId) {
        SubscriptionWorker w = workers.get(subscriptionId);
        return w == null ? 0 : w.hung();
    }

    // ---- the sweep ---------------------------------------------------------------------------------------

    /** Sweeps every {@code intervalMs} from now on, in place of the earlier period. */
    private synchronized void sweepEvery(long intervalMs) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        if (running) {
            sweep = timer.scheduleWithFixedDelay(() -> execute(this::sweepOnce), intervalMs, intervalMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Wakes the idle workers of deliverable subscriptions (registered, not paused) that have a message stored
     * without its wake-up ({@link Store#withNewestDue}): a row of the queue index per priority present, per such
     * subscription; the cost follows the number of subscriptions, never the backlog. Runs on the delivery pool,
     * one sweep at a time.
     */
    void sweepOnce() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        try {
            if (store.sharedByNodes()) {
                // topics, subscriptions and pauses that other nodes stored: in force here from this sweep on
                routing.reload(store::loadTopics);
            }
            long now = System.currentTimeMillis();
            List<SubscriptionRow> idle = new ArrayList<>();
            for (SubscriptionRow s : routing.subscriptions()) {
                SubscriptionWorker w = workers.get(s.id());
                if (!s.paused() && (w == null || w.idleAt(now)) && registry.find(s.subscriber()).isPresent()) {
                    idle.add(s);
                }
            }
            int woken = 0;
            if (!idle.isEmpty()) {
                Set<Long> due = store.withNewestDue(idle.stream().map(SubscriptionRow::id).toList(), now);
                for (SubscriptionRow s : idle) {
                    if (due.contains(s.id())) {
                        woken++;
                        LOG.debug("The sweep wakes the delivery of topic '{}' to '{}'", routing.topicName(s.topicId()),
                                s.subscriber());
                        wake(s);
                    }
                }
            }
            sweeps.record(idle.size(), woken, System.nanoTime() - started);
        } catch (RuntimeException e) {
            LOG.debug("The sweep failed (the next one tries again): {}", e.toString());
        } finally {
            sweeping.set(false);
        }
    }

    /** What the sweeps did so far. */
    Sweeps sweeps() {
        return sweeps;
    }

    void execute(Runnable r) {
        if (running) {
            try {
                pool.execute(r);
            } catch (RejectedExecutionException stopping) {
                // stopped meanwhile: what it would have delivered is delivered after the start
            }
        }
    }

    /** Runs {@code r} after a delay on the engine's timer; null once delivery stopped. */
    ScheduledFuture<?> schedule(Runnable r, long delayMs) {
        try {
            return running ? timer.schedule(r, delayMs, TimeUnit.MILLISECONDS) : null;
        } catch (RejectedExecutionException stopping) {
            return null;
        }
    }
}
