package io.courier.pubsub.internal;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.internal.store.Acknowledgement;
import io.courier.pubsub.internal.store.BatchOutcome;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;

/**
 * Runs the delivery workers: one {@link SubscriptionWorker} per subscription, run on a shared pool of threads
 * when it has work, one batch at a time so that busy subscriptions take turns. A timer wakes workers whose
 * next retry is due.
 */
final class DeliveryEngine {

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
    private final ExecutorService handlers;
    private final Map<Long, SubscriptionWorker> workers = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    DeliveryEngine(Store store, ServiceRegistry registry, Routing routing,
            Function<RegisteredService, DeliveryPolicy> policies, Metrics metrics, Acknowledger acknowledger,
            int threads, int batchSize) {
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
        AtomicInteger h = new AtomicInteger();
        this.handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "courier-handler-" + h.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "courier-delivery-timer");
            t.setDaemon(true);
            return t;
        });
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

    void wake(long subscriptionId) {
        SubscriptionWorker w = workers.get(subscriptionId);
        if (w != null) {
            w.wake();
        } else {
            routing.subscription(subscriptionId).ifPresent(this::wake);
        }
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

    /** Stops taking new batches and waits a little for the running ones; what is not acknowledged is redelivered. */
    void stop() {
        running = false;
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
    synchronized void resize(int threads, int newBatchSize) {
        batchSize = newBatchSize;
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
     * Calls a service for a worker and waits at most {@code timeoutMs}.
     *
     * @throws DeliveryTimeoutException if the service has not returned by then; its thread is interrupted
     * @throws Exception                what the service threw
     */
    Object handle(Callable<Object> call, long timeoutMs) throws Exception {
        Future<Object> handling = handlers.submit(call);
        try {
            return handling.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handling.cancel(true);
            throw new DeliveryTimeoutException(timeoutMs);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            handling.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    void execute(Runnable r) {
        if (running) {
            pool.execute(r);
        }
    }

    java.util.concurrent.ScheduledFuture<?> schedule(Runnable r, long delayMs) {
        return timer.schedule(r, delayMs, TimeUnit.MILLISECONDS);
    }
}
