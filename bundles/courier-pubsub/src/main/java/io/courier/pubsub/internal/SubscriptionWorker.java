package io.courier.pubsub.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 */
final class SubscriptionWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWorker.class);
    private static final long STORE_RETRY_MIN_MS = 1_000;
    private static final long STORE_RETRY_MAX_MS = 30_000;
    /**
     * A batch is acknowledged after at most this long, even if not all of it was delivered: with a slow
     * service, this bounds both what a crash redelivers and how long acknowledged work waits in memory.
     */
    static final long MAX_BATCH_MS = 250;

    private final DeliveryEngine engine;
    private final SubscriptionRow subscription;
    private final String topic;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean again;
    /** When the service last registered: what its previous registration left waiting for a retry is due at once. */
    private volatile long registeredAt;
    private ScheduledFuture<?> timer; // guarded by this
    private long timerAt; // guarded by this
    private long storeRetryMs = STORE_RETRY_MIN_MS;

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

    void wake() {
        again = true;
        if (queued.compareAndSet(false, true)) {
            engine.execute(this);
        }
    }

    int inFlight() {
        return inFlight.get();
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
            wakeAt(System.currentTimeMillis() + storeRetryMs);
            storeRetryMs = Math.min(storeRetryMs * 2, STORE_RETRY_MAX_MS);
        } finally {
            inFlight.set(0);
            queued.set(false);
            if ((more || again) && engine.running()) {
                wake();
            }
        }
    }

    /** Delivers one batch; returns whether there may be more to deliver now. */
    private boolean deliverBatch() {
        Optional<RegisteredService> found = engine.registry().find(subscription.subscriber());
        if (found.isEmpty()) {
            LOG.debug("'{}' is not registered: its messages on '{}' wait for it", subscription.subscriber(), topic);
            return false; // delivered when the service registers again
        }
        if (engine.paused(subscription.id())) {
            LOG.debug("Delivery to '{}' of topic '{}' is paused", subscription.subscriber(), topic);
            return false; // resume wakes it
        }
        RegisteredService service = found.get();
        DeliveryPolicy policy = engine.policy(service);
        long now = System.currentTimeMillis();
        int limit = engine.batchSize();
        List<DueDelivery> batch = engine.store().fetchDue(subscription.id(), now, registeredAt, limit, policy.ordered());
        LOG.debug("{} deliveries of '{}' to '{}' fetched", batch.size(), topic, subscription.subscriber());
        if (batch.isEmpty()) {
            engine.store().nextAttemptAt(subscription.id()).ifPresent(this::wakeAt);
            return false;
        }
        inFlight.set(batch.size());
        BatchOutcome outcome = new BatchOutcome();
        // the budget starts once the batch is in hand: a slow fetch (waiting for a connection) must not eat it
        long deadline = System.currentTimeMillis() + MAX_BATCH_MS;
        boolean cutShort = false;
        for (DueDelivery d : batch) {
            if (System.currentTimeMillis() > deadline) {
                cutShort = true; // the rest stays pending, fetched again by the next run, at once
                break;
            }
            if (!d.dueAt(now, registeredAt)) { // ordered: the head is not due yet
                wakeAt(d.nextAttemptAt());
                break;
            }
            if (d.expiredAt(now)) {
                outcome.expired(d);
                LOG.debug("Message {} to '{}' expired before delivery", d.msgId(), subscription.subscriber());
            } else {
                try {
                    if (!deliver(service, d, policy, outcome) && policy.ordered()) {
                        break;
                    }
                } catch (ServiceGoneException e) {
                    // Not an attempt: the service went away before the call. Its messages wait for it.
                    LOG.debug("Service '{}' went away before message {} reached it", service.name(), d.msgId());
                    break;
                }
            }
            inFlight.decrementAndGet();
        }
        try {
            engine.acknowledge(subscription, outcome);
        } catch (InterruptedException e) {
            // Courier is stopping: whatever was not recorded is delivered again after the restart
            Thread.currentThread().interrupt();
            return false;
        }
        // A full batch may have more behind it, and a failure may have left the head waiting (its wake-up is set
        // by the next fetch). Otherwise every due delivery was in this batch; what is published meanwhile wakes
        // the worker again.
        return cutShort || batch.size() == limit || !outcome.failed().isEmpty();
    }

    /** Delivers one message; returns false if it failed. */
    private boolean deliver(RegisteredService service, DueDelivery d, DeliveryPolicy policy, BatchOutcome outcome)
            throws ServiceGoneException {
        int attempt = d.attempts() + 1;
        try {
            DeliveredMessage message = new DeliveredMessage(d, topic);
            engine.handle(() -> service.deliver(message), policy.timeoutMs());
            outcome.delivered(d);
            return true;
        } catch (ServiceGoneException e) {
            throw e;
        } catch (InterruptedException e) {
            // Courier is stopping: not the message's failure; it is delivered again after the restart.
            Thread.currentThread().interrupt();
            throw new ServiceGoneException(service.name());
        } catch (Throwable e) { // Errors too: a StackOverflowError or an OutOfMemoryError in one service is its failure
            if (engine.registry().find(service.name()).filter(current -> current == service).isEmpty()) {
                // The registration went away during the call (its bundle stopping, a new version coming): the
                // failure is not the message's. It stays pending, attempts unchanged, for the next registration.
                LOG.info("Service '{}' went away while message {} was being delivered ({}); it is delivered again"
                        + " when the service is back", service.name(), d.msgId(), e.toString());
                throw new ServiceGoneException(service.name());
            }
            long now = System.currentTimeMillis();
            boolean dead = policy.exhausted(attempt);
            long next = dead ? now : now + policy.backoffMs(attempt);
            outcome.failed(new BatchOutcome.Failure(d.deliveryId(), attempt, next, dead, e.toString()));
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
            return false;
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
        if (!engine.running()) {
            return;
        }
        timerAt = when;
        timer = engine.schedule(this::wake, Math.max(0, when - System.currentTimeMillis()));
    }
}
