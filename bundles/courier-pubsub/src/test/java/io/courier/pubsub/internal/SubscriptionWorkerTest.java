package io.courier.pubsub.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.courier.api.PubSubMessage;
import io.courier.pubsub.internal.store.DeliveryEntity;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.TestDatabase.Kind;

/** One subscription's worker, through the engine that runs it: what counts as an attempt, and in what order. */
class SubscriptionWorkerTest {

    private final DeliveryFixture fixture = new DeliveryFixture();
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** Whether it is the first message the fixture stored in a call. */
    private static boolean first(PubSubMessage m) {
        return ((Number) m.dataAs(Map.class).get("n")).intValue() == 0;
    }

    @Test
    void aServiceUnregisteredDuringItsCallLosesNoAttempt() throws Exception {
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch unregistered = new CountDownLatch(1);
        SubscriptionRow sub = fixture.service("leaving", m -> {
            inCall.countDown();
            unregistered.await();
            throw new IllegalStateException("bundle stopping");
        });
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(1, 60_000), 2, 60_000);
        List<String> ids = fixture.store(sub, 3);
        engine.wake(sub);
        assertEquals(true, inCall.await(10, TimeUnit.SECONDS));
        fixture.registry.unregister("leaving");
        unregistered.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.inFlight(sub.id()) == 0);
        assertEquals(0, fixture.deliveries(DeliveryEntity.DEAD, -1), "dead letters after the service went away");
        assertEquals(3, fixture.deliveries(DeliveryEntity.PENDING, 0), "pending, no attempt counted");

        fixture.registry.register("leaving", m -> handled.add(m.msgId()));
        engine.registered(sub, System.currentTimeMillis());
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.containsAll(ids));
        assertEquals(ids, handled, "delivered once each, in publish order, to the new registration");
    }

    @Test
    void anOrderedSubscriptionHoldsItsQueueBehindAFailure() {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        SubscriptionRow sub = fixture.service("ordered", m -> {
            if (first(m) && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("not yet");
            }
            handled.add(m.msgId());
        });
        DeliveryEngine engine = fixture.engine(new DeliveryPolicy(10, 50, 50, 1.0, true, 60_000), 2, 60_000);
        List<String> ids = fixture.store(sub, 5);
        engine.wake(sub);

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 5);
        assertEquals(ids, handled, "in publish order, the failing head first once it succeeded");
        assertEquals(-1, failuresLeft.get(), "the head failed twice, then succeeded");
    }

    @Test
    void anUnorderedSubscriptionGoesOnPastAFailure() {
        SubscriptionRow sub = fixture.service("unordered", m -> {
            if (first(m)) {
                throw new IllegalStateException("always");
            }
            handled.add(m.msgId());
        });
        DeliveryEngine engine = fixture.engine(new DeliveryPolicy(2, 20, 20, 1.0, false, 60_000), 2, 60_000);
        List<String> ids = fixture.store(sub, 5);
        engine.wake(sub);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.deliveries(DeliveryEntity.DEAD, 2) == 1);
        assertEquals(ids.subList(1, 5), handled, "the rest delivered meanwhile");
        assertEquals(0, fixture.deliveries(DeliveryEntity.PENDING, -1));
    }

    @Test
    void aNewRegistrationDeliversWhatWaitsForARetryAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        SubscriptionRow sub = fixture.service("flaky", m -> {
            calls.incrementAndGet();
            throw new IllegalStateException("version 1 is broken");
        });
        // the first failure waits an hour before its retry
        DeliveryEngine engine = fixture.engine(new DeliveryPolicy(10, 3_600_000, 3_600_000, 1.0, false, 60_000), 2,
                60_000);
        List<String> ids = fixture.store(sub, 2);
        engine.wake(sub);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.deliveries(DeliveryEntity.PENDING, 1) == 2);

        fixture.registry.register("flaky", m -> handled.add(m.msgId())); // version 2
        engine.registered(sub, System.currentTimeMillis());
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 2);
        assertEquals(ids, handled);
        assertEquals(2, calls.get(), "calls of version 1");
    }

    /** Waits until the engine hands the subscription's new deliveries to its worker as they are stored. */
    private static void awaitHandoffs(DeliveryEngine engine, SubscriptionRow sub) {
        await("the worker taking deliveries in hand").atMost(Duration.ofSeconds(10))
                .until(() -> engine.handoffRoom(sub.id()) > 0);
    }

    /** A service that records each message it handles, then holds the call until {@code release} counts down. */
    private SubscriptionRow holdingCalls(DeliveryFixture on, String name, CountDownLatch release) {
        return on.service(name, m -> {
            handled.add(m.msgId());
            release.await();
        });
    }

    /**
     * Once the worker takes deliveries in hand, publishes one message and waits until the service, which holds its
     * calls, is in the call with it: what is published from then on stays in hand. Returns its id.
     */
    private String firstInItsCall(DeliveryFixture on, DeliveryEngine engine, SubscriptionRow sub) {
        engine.wake(sub);
        awaitHandoffs(engine, sub);
        String first = on.publish(engine, sub);
        await("the service in its call with " + first).atMost(Duration.ofSeconds(10))
                .until(() -> handled.contains(first) && engine.inFlight(sub.id()) == 1);
        return first;
    }

    /** Asserts, for half a second, that the deliveries handled are these: no more come. */
    private void assertHandledStays(List<String> expected, String what) {
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(expected, handled, what));
    }

    /**
     * Once the queue is drained, what this node publishes goes to the worker in memory, not fetched back: each
     * message delivered once, in publish order, without one more fetch.
     */
    @Test
    void whatIsPublishedOnceTheQueueIsDrainedIsDeliveredWithoutAFetch() {
        SubscriptionRow sub = fixture.service("fast", m -> handled.add(m.msgId()));
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(3, 60_000), 2, 60_000);
        List<String> ids = new ArrayList<>(fixture.store(sub, 3));
        engine.wake(sub);
        awaitHandoffs(engine, sub);
        int fetches = fixture.fetches.get();

        for (int i = 0; i < 50; i++) {
            ids.add(fixture.publish(engine, sub));
        }

        assertHandledStays(ids, "each once, in publish order");
        assertEquals(fetches, fixture.fetches.get(), "fetches after the queue was drained");
        assertEquals(0, fixture.deliveries(DeliveryEntity.PENDING, -1));
    }

    /**
     * A failure among messages taken in hand is retried when its backoff ends, while publishes keep the worker busy
     * with what they hand it (nothing else would make it fetch: the sweep looks only at idle workers).
     */
    @Test
    void aFailureAmongMessagesInHandIsRetriedWhilePublishesGoOn() {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        SubscriptionRow sub = fixture.service("busy", m -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("once");
            }
            handled.add(m.msgId());
        });
        DeliveryEngine engine = fixture.engine(new DeliveryPolicy(3, 100, 100, 1.0, false, 60_000), 2, 60_000);
        engine.wake(sub);
        awaitHandoffs(engine, sub);

        String failed = fixture.publish(engine, sub);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!handled.contains(failed) && System.nanoTime() < until) {
            fixture.publish(engine, sub);
        }
        assertTrue(handled.contains(failed), failed + ", failed once, not retried in 10 s while publishes went on");
        assertEquals(1, Collections.frequency(handled, failed));
    }

    /**
     * What its worker holds in hand when a service goes away waits in the store for the service's return, delivered
     * once each; where nodes share the database, this node lets go of its claims on it meanwhile (any node may
     * deliver it).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void whatWasInHandWhenItsServiceWentAwayWaitsInTheStoreForAnyNode(Kind kind) throws Exception {
        try (DeliveryFixture on = new DeliveryFixture(kind)) {
            CountDownLatch release = new CountDownLatch(1);
            SubscriptionRow sub = holdingCalls(on, "swapped", release);
            DeliveryEngine engine = on.engine(DeliveryFixture.policy(3, 60_000), 2, 60_000);
            String first = firstInItsCall(on, engine, sub);
            int fetches = on.fetches.get();
            List<String> inHand = List.of(on.publish(engine, sub), on.publish(engine, sub));
            String claimed = "SELECT COUNT(*) FROM COURIER_DELIVERY WHERE CLAIMEDBY IS NOT NULL";
            assertEquals(kind == Kind.POSTGRESQL ? "3" : "0", on.db.value(claimed),
                    "claimed as they were stored: the one in its call and the two in hand");

            on.registry.unregister("swapped");
            release.countDown();
            await("the hand let go of").atMost(Duration.ofSeconds(10)).until(() -> on.db.value(claimed).equals("0")
                    && on.deliveries(DeliveryEntity.PENDING, 0) == 2);
            assertEquals(List.of(first), handled);
            assertEquals(fetches, on.fetches.get(), "fetches since the two were handed over");

            on.registry.register("swapped", m -> handled.add(m.msgId()));
            engine.registered(sub, System.currentTimeMillis());
            List<String> expected = new ArrayList<>(List.of(first));
            expected.addAll(inHand);
            assertHandledStays(expected, "the two in hand delivered once each, to the service's new registration");
        }
    }

    @Test
    void whatIsInHandWhenItsSubscriptionIsPurgedIsNotDelivered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SubscriptionRow sub = holdingCalls(fixture, "purged", release);
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(3, 60_000), 2, 60_000);
        String first = firstInItsCall(fixture, engine, sub);

        List<String> inHand = List.of(fixture.publish(engine, sub), fixture.publish(engine, sub));
        assertEquals(3, fixture.store.purge(List.of(sub.id()), false), "the one in its call and the two in hand");
        engine.purged(List.of(sub.id()));
        release.countDown();

        assertHandledStays(List.of(first), "delivered; purged while in hand, never to be delivered: " + inHand);
    }
}
