package io.courier.pubsub.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.persistence.EntityManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.TestDatabase;

class RegistrationsTest {

    private final TestDatabase db = TestDatabase.inMemory();
    /** Closed while true: every new transaction of the store blocks until it opens. */
    private final CountDownLatch storeOpen = new CountDownLatch(1);
    private volatile boolean storeClosed;
    private final Store store = blockingStore();
    private final Routing routing = new Routing();
    private final DeliveryFixture.Registry registry = new DeliveryFixture.Registry();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private DeliveryEngine engine;
    private Registrations registrations;

    private Store blockingStore() {
        EntityManagerFactory real = db.emf();
        EntityManagerFactory gated = (EntityManagerFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { EntityManagerFactory.class }, (proxy, method, args) -> {
                    if (storeClosed && method.getName().equals("createEntityManager")) {
                        storeOpen.await();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Store s = new Store(gated, db.dialect());
        db.migrate();
        s.prepare();
        return s;
    }

    @AfterEach
    void tearDown() {
        storeOpen.countDown();
        if (registrations != null) {
            registrations.stop();
        }
        if (engine != null) {
            engine.stop();
        }
        store.close();
        db.close();
    }

    private void start() {
        routing.reload(store::loadTopics);
        engine = new DeliveryEngine(store, registry, routing, s -> DeliveryFixture.policy(3, 60_000),
                new Metrics(Instant.now()),
                a -> store.write(List.of(), List.of(a)), 2, 100, 60_000);
        registrations = new Registrations(store, routing, engine);
        registry.addListener(registrations);
    }

    @Test
    void aNewServiceIsSubscribedOffTheRegistrysThreadOnceTheStoreAnswers() throws Exception {
        start();
        storeClosed = true;
        CountDownLatch registered = new CountDownLatch(1);
        Thread registering = new Thread(() -> {
            registry.register("late", m -> delivered.add(m.msgId()));
            registered.countDown();
        });
        registering.start();
        assertTrue(registered.await(10, TimeUnit.SECONDS), "the registration waited for the store");
        assertFalse(routing.topic("late").isPresent(), "subscribed although the store is closed");

        storeClosed = false;
        storeOpen.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> routing.topic("late").isPresent());
        assertEquals(List.of("late"), routing.subscriptionsOf("late").stream().map(s -> s.subscriber()).toList());
    }

    @Test
    void aServiceAlreadySubscribedGetsItsWaitingMessagesWithoutTheStoreWhenItComesBack() throws Exception {
        start();
        registry.register("back", m -> delivered.add(m.msgId()));
        await().atMost(Duration.ofSeconds(10)).until(() -> routing.topic("back").isPresent());
        registry.unregister("back");
        String msgId = "waiting-for-back";
        store.write(List.of(new NewMessage(msgId, true, routing.topic("back").orElseThrow().id(),
                List.of(routing.subscriptionsOf("back").get(0).id()), "{}", "application/json", 5, "c", null, null,
                null, System.currentTimeMillis(), 0)), List.of());

        storeClosed = true;
        CountDownLatch registered = new CountDownLatch(1);
        new Thread(() -> {
            registry.register("back", m -> delivered.add(m.msgId()));
            registered.countDown();
        }).start();
        assertTrue(registered.await(10, TimeUnit.SECONDS), "the registration waited for the store");
        storeClosed = false;
        storeOpen.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains(msgId));
    }

    @Test
    void aPublishToAServiceRegisteredThisMomentSubscribesItOnThePublishersThread() {
        start();
        storeClosed = true; // the registry's event waits for the store...
        registry.register("instant", m -> delivered.add(m.msgId()));
        storeClosed = false;
        storeOpen.countDown();
        registrations.subscribeNow(registry.find("instant").orElseThrow()); // ...a publish does not
        assertTrue(routing.topic("instant").isPresent());
    }
}
