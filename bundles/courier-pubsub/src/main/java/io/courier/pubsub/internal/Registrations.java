package io.courier.pubsub.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.core.RegisteredService;
import io.courier.core.RegistryListener;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;

/**
 * Gives every registered service its topic and subscriptions, and tells delivery when a service (re)registers.
 * <p>
 * The registry calls listeners one event at a time, under its own lock: no database work may happen there. A
 * service already subscribed (a restart, a new version) only wakes its workers. A new one is subscribed by this
 * class's own thread, tried again with a growing pause while the store fails, in the order the services came.
 * A publish to a service registered this very moment subscribes it on the publisher's thread
 * ({@link #subscribeNow}).
 */
final class Registrations implements RegistryListener {

    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);
    static final long RETRY_MIN_MS = 1_000;
    static final long RETRY_MAX_MS = 30_000;

    /** A service's registration, waiting for its subscriptions. */
    private record Waiting(String name, List<String> topics, long registeredAt) {
    }

    private final Store store;
    private final Routing routing;
    private final DeliveryEngine engine;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "courier-subscriptions");
        t.setDaemon(true);
        return t;
    });
    /** Services waiting for their subscriptions, by name; guarded by itself. */
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private long retryMs = RETRY_MIN_MS; // only on the thread

    /** How long after a service went away this node lets go of the ordered subscriptions it delivered to it. */
    static final long RELEASE_AFTER_MS = 2_000;

    Registrations(Store store, Routing routing, DeliveryEngine engine) {
        this.store = store;
        this.routing = routing;
        this.engine = engine;
    }

    @Override
    public void registered(RegisteredService service) {
        long now = System.currentTimeMillis();
        List<String> topics = topicsOf(service);
        if (routing.subscribedToAll(service.name(), topics)) {
            wakeDelivery(service.name(), now);
            return;
        }
        synchronized (waiting) {
            waiting.put(service.name(), new Waiting(service.name(), topics, now));
        }
        submit(0);
    }

    @Override
    public void unregistered(String name) {
        // Topics and subscriptions stay, messages wait for the service to come back. Where nodes share the database,
        // an ordered subscription this node delivered is let go once its last batch is recorded, unless the service
        // is back by then: another node that has the service may deliver it.
        if (store.sharedByNodes()) {
            try {
                thread.schedule(() -> {
                    if (engine.registry().find(name).isEmpty()) {
                        store.releaseOrdered(name);
                    }
                }, RELEASE_AFTER_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // stopping: the node's stop lets go of everything it holds
            }
        }
    }

    /**
     * Subscribes a service now, on the caller's thread (a publish to a service that registered this very moment).
     *
     * @throws RuntimeException if the store failed
     */
    void subscribeNow(RegisteredService service) {
        subscribe(service.name(), topicsOf(service), System.currentTimeMillis());
    }

    /**
     * Subscribes now, on the caller's thread, the services still waiting for their subscriptions: what publishing
     * and the admin views do before they look a name up, so that a service is known as soon as it registered. Does
     * nothing when none waits.
     *
     * @throws RuntimeException if the store failed; the services go on waiting
     */
    void settle() {
        List<Waiting> batch;
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(waiting.values());
        }
        batch.forEach(this::subscribe);
    }

    void stop() {
        thread.shutdownNow();
    }

    private void submit(long delayMs) {
        try {
            thread.schedule(this::subscribeWaiting, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // pub/sub stopped: the next start subscribes every registered service
        }
    }

    private void subscribeWaiting() {
        List<Waiting> batch;
        synchronized (waiting) {
            batch = new ArrayList<>(waiting.values());
        }
        for (Waiting w : batch) {
            try {
                subscribe(w);
            } catch (RuntimeException e) {
                if (retryMs == RETRY_MIN_MS) {
                    LOG.warn("Could not create the topic and subscriptions of service '{}': the store failed ({})."
                            + " Trying again every {} to {} s; its messages can be published once it is done",
                            w.name(), e.toString(), RETRY_MIN_MS / 1000, RETRY_MAX_MS / 1000);
                }
                submit(retryMs);
                retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
                return;
            }
            if (retryMs > RETRY_MIN_MS) {
                LOG.info("The store answers again: service '{}' is subscribed", w.name());
                retryMs = RETRY_MIN_MS;
            }
        }
    }

    /** Subscribes a waiting service, and takes it off the list. */
    private void subscribe(Waiting w) {
        subscribe(w.name(), w.topics(), w.registeredAt());
        synchronized (waiting) {
            waiting.remove(w.name(), w);
        }
    }

    /** One at a time: a publisher's thread, an admin view's and this class's may all subscribe a new service. */
    private synchronized void subscribe(String name, List<String> topics, long registeredAt) {
        if (!routing.subscribedToAll(name, topics)) {
            store.ensureSubscriptions(name, topics, System.currentTimeMillis());
            routing.reload(store::loadTopics);
        }
        wakeDelivery(name, registeredAt);
    }

    /** A service that comes back (a new version, a restarted bundle) gets its waiting messages at once, retries too. */
    private void wakeDelivery(String name, long registeredAt) {
        for (SubscriptionRow s : routing.subscriptionsOf(name)) {
            engine.registered(s, registeredAt);
        }
    }

    private static List<String> topicsOf(RegisteredService service) {
        List<String> topics = new ArrayList<>();
        topics.add(service.name());
        topics.addAll(service.subscriptions());
        return topics;
    }
}
