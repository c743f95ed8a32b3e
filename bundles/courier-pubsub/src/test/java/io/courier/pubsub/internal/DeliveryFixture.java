package io.courier.pubsub.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.courier.api.PubSubMessage;
import io.courier.core.RegisteredService;
import io.courier.core.RegistryListener;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.TestDatabase;
import io.courier.pubsub.internal.store.TestDatabase.Kind;

/**
 * Delivery as pub/sub wires it, outside OSGi: a real store (on an in-memory HSQLDB unless told otherwise), the
 * routing table, a registry of test services, and delivery engines, each with its publish writer, which acknowledges
 * its batches and stores what is published.
 */
final class DeliveryFixture implements AutoCloseable {

    /** A test service's handling of one message. */
    @FunctionalInterface
    interface Handler {
        void handle(PubSubMessage message) throws Exception;
    }

    final TestDatabase db;
    final Store store;
    /** How many times the engines fetched due deliveries from the store. */
    final AtomicInteger fetches = new AtomicInteger();
    final Routing routing = new Routing();
    final Registry registry = new Registry();
    /** The engines made, each with its writer, in the order they were made. */
    private final Map<DeliveryEngine, GroupCommitWriter> engines = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    DeliveryFixture() {
        this(Kind.HSQLDB);
    }

    DeliveryFixture(Kind kind) {
        db = TestDatabase.of(kind);
        db.migrate();
        store = new Store(db.emf(), db.dialect()) {
            @Override
            public List<DueDelivery> fetchDue(long subscriptionId, long now, long registeredAt, int limit,
                    boolean ordered) {
                fetches.incrementAndGet();
                return super.fetchDue(subscriptionId, now, registeredAt, limit, ordered);
            }
        };
        store.prepare();
    }

    /** A delivery engine with these settings, wired to a publish writer as pub/sub does; closed with the fixture. */
    DeliveryEngine engine(DeliveryPolicy policy, int threads, long sweepIntervalMs) {
        AtomicReference<GroupCommitWriter> writer = new AtomicReference<>();
        DeliveryEngine engine = new DeliveryEngine(store, registry, routing, s -> policy, new Metrics(Instant.now()),
                a -> writer.get().acknowledge(a), threads, 100, sweepIntervalMs);
        writer.set(new GroupCommitWriter(store, engine::handoffRoom, engine::stored));
        writer.get().start();
        engines.put(engine, writer.get());
        return engine;
    }

    static DeliveryPolicy policy(int maxAttempts, long timeoutMs) {
        return new DeliveryPolicy(maxAttempts, 0, 0, 1.0, false, timeoutMs);
    }

    /** Subscribes a service to its own topic and registers it. */
    SubscriptionRow service(String name, Handler handler) {
        SubscriptionRow sub = store.ensureSubscriptions(name, List.of(name), System.currentTimeMillis()).get(0);
        routing.reload(store::loadTopics);
        registry.register(name, handler);
        return sub;
    }

    /** Stores messages for a subscription without waking anyone; returns their ids. */
    List<String> store(SubscriptionRow sub, int count) {
        List<NewMessage> messages = messages(sub, count);
        store.write(messages, List.of());
        return messages.stream().map(NewMessage::msgId).toList();
    }

    /** Publishes one message to a subscription through an engine's writer, as pub/sub does; returns its id. */
    String publish(DeliveryEngine engine, SubscriptionRow sub) {
        NewMessage message = messages(sub, 1).get(0);
        engines.get(engine).store(message);
        return message.msgId();
    }

    private List<NewMessage> messages(SubscriptionRow sub, int count) {
        List<NewMessage> messages = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            String id = "m-" + ids.incrementAndGet();
            messages.add(new NewMessage(id, true, sub.topicId(), List.of(sub.id()), "{\"n\":" + i + "}",
                    "application/json", 5, "c-" + id, null, null, null, now, 0));
        }
        return messages;
    }

    /** How many stored deliveries are in a state and, if not negative, have this many attempts. */
    long deliveries(String state, int attempts) {
        return Long.parseLong(db.value("SELECT COUNT(*) FROM COURIER_DELIVERY WHERE STATE = '" + state + "'"
                + (attempts < 0 ? "" : " AND ATTEMPTS = " + attempts)));
    }

    @Override
    public void close() {
        engines.forEach((engine, writer) -> {
            engine.stop(); // its last batches are acknowledged through its writer
            writer.stop();
        });
        store.close();
        db.close();
    }

    /** The registry with the test services registered, each as one registration. */
    static final class Registry implements ServiceRegistry {
        private final Map<String, RegisteredService> services = new ConcurrentHashMap<>();
        private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();

        RegisteredService register(String name, Handler handler) {
            RegisteredService s = new TestService(name, handler);
            services.put(name, s);
            listeners.forEach(l -> l.registered(s));
            return s;
        }

        void unregister(String name) {
            services.remove(name);
            listeners.forEach(l -> l.unregistered(name));
        }

        @Override
        public Optional<RegisteredService> find(String name) {
            return Optional.ofNullable(services.get(name));
        }

        @Override
        public List<RegisteredService> services() {
            return List.copyOf(services.values());
        }

        @Override
        public void addListener(RegistryListener listener) {
            listeners.add(listener);
            services.values().forEach(listener::registered);
        }

        @Override
        public void removeListener(RegistryListener listener) {
            listeners.remove(listener);
        }
    }

    private record TestService(String name, Handler handler) implements RegisteredService {
        @Override
        public long serviceId() {
            return 1;
        }

        @Override
        public int ranking() {
            return 0;
        }

        @Override
        public long bundleId() {
            return 1;
        }

        @Override
        public String bundleSymbolicName() {
            return "test";
        }

        @Override
        public String bundleVersion() {
            return "1.0.0";
        }

        @Override
        public List<String> subscriptions() {
            return List.of();
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of();
        }

        @Override
        public Object deliver(PubSubMessage message) throws Exception {
            handler.handle(message);
            return null;
        }
    }
}
