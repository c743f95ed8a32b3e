package io.courier.pubsub.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.courier.pubsub.internal.store.DeliveryEntity;
import io.courier.pubsub.internal.store.SubscriptionRow;

class DeliveryEngineTest {

    private final DeliveryFixture fixture = new DeliveryFixture();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** The ids not delivered, for a failure message that says what is missing. */
    private List<String> missing(List<String> ids) {
        List<String> left = new ArrayList<>(ids);
        left.removeAll(delivered);
        return left;
    }

    @Test
    void stoppingDuringDeliveryCostsNoAttempt() {
        CountDownLatch never = new CountDownLatch(1);
        SubscriptionRow sub = fixture.service("slow", m -> {
            never.await(5, TimeUnit.MILLISECONDS); // 5 ms of work, which the stop interrupts
            delivered.add(m.msgId());
        });
        List<String> ids = fixture.store(sub, 200);
        DeliveryEngine first = fixture.engine(DeliveryFixture.policy(1, 60_000), 4, 60_000);
        first.wake(sub);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= 20);
        first.stop();

        // maxAttempts = 1: a single attempt wrongly counted would be a dead letter
        assertEquals(0, fixture.deliveries(DeliveryEntity.DEAD, -1), "dead letters after the stop");
        long pending = fixture.deliveries(DeliveryEntity.PENDING, -1);
        assertEquals(pending, fixture.deliveries(DeliveryEntity.PENDING, 0), "pending deliveries with attempts counted");
        assertTrue(pending > 0, "the stop came after the whole backlog was delivered: nothing was tested");

        DeliveryEngine second = fixture.engine(DeliveryFixture.policy(1, 60_000), 4, 60_000);
        second.wake(sub);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.containsAll(ids));
        assertEquals(List.of(), missing(ids), "never delivered");
        assertEquals(0, fixture.deliveries(DeliveryEntity.DEAD, -1), "dead letters after the restart");
    }

    @Test
    void theSweepDeliversWhatNoWakeUpAnnounced() {
        SubscriptionRow sub = fixture.service("quiet", m -> delivered.add(m.msgId()));
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(3, 60_000), 2, 50);
        List<String> ids = fixture.store(sub, 3); // stored as a publish would, its wake-up dropped

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.containsAll(ids));
        assertEquals(List.of(), missing(ids), "never delivered");
        assertTrue(engine.sweeps().stats().woken() >= 1, "woken by the sweep: " + engine.sweeps().stats());
    }

    @Test
    void theSweepLeavesPausedAndUnregisteredSubscriptionsAlone() {
        SubscriptionRow paused = fixture.service("paused", m -> delivered.add(m.msgId()));
        SubscriptionRow gone = fixture.service("gone", m -> delivered.add(m.msgId()));
        fixture.registry.unregister("gone");
        fixture.store.setPaused(List.of(paused.id()), true);
        fixture.routing.reload(fixture.store::loadTopics);
        fixture.store(paused, 2);
        fixture.store(gone, 2);
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(3, 60_000), 2, 20);

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.sweeps().stats().rounds() >= 5);
        assertEquals(Set.of(), delivered, "delivered while paused or unregistered");
        assertEquals(0, engine.sweeps().stats().probed(), "subscriptions probed: " + engine.sweeps().stats());
    }

    @Test
    void aServiceThatIgnoresInterruptsHoldsOneThreadAndGetsNoSecondCall() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Object gate = new Object();
        boolean[] released = { false };
        SubscriptionRow sub = fixture.service("stuck", m -> {
            calls.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                synchronized (gate) {
                    while (!released[0]) {
                        try {
                            gate.wait();
                        } catch (InterruptedException ignored) {
                            // this service ignores interrupts
                        }
                    }
                }
            } finally {
                running.decrementAndGet();
            }
            delivered.add(m.msgId());
        });
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(100, 50), 2, 20);
        List<String> ids = fixture.store(sub, 5);
        engine.wake(sub);

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.hung(sub.id()) == 1);
        // many sweeps and timers later, still the one call: no retry runs beside it
        long rounds = engine.sweeps().stats().rounds();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.sweeps().stats().rounds() >= rounds + 10);
        assertEquals(1, calls.get(), "calls while the first still hangs");
        assertEquals(1, fixture.deliveries(DeliveryEntity.PENDING, 1), "the timed-out attempt, counted once");

        synchronized (gate) {
            released[0] = true;
            gate.notifyAll();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.containsAll(ids));
        assertEquals(List.of(), missing(ids), "never delivered");
        assertEquals(1, mostAtOnce.get(), "calls of the service running at once");
        assertEquals(0, engine.hung(sub.id()));
    }

    /**
     * 100 calls that time out, each ignoring its interrupt for a while: the next call waits for the abandoned one to
     * return, so the busy handler threads do not grow with the timed-out calls. Prints the JVM's threads.
     */
    @Test
    void timedOutCallsDoNotPileUpThreads() {
        int before = Thread.activeCount();
        AtomicInteger calls = new AtomicInteger();
        SubscriptionRow sub = fixture.service("sluggish", m -> {
            calls.incrementAndGet();
            long until = System.nanoTime() + 80_000_000L;
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
                Thread.interrupted(); // ignores the interrupt, for 80 ms
            }
        });
        DeliveryEngine engine = fixture.engine(DeliveryFixture.policy(1, 10), 2, 50);
        fixture.store(sub, 100);
        engine.wake(sub);
        AtomicInteger mostThreads = new AtomicInteger();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
                mostThreads.accumulateAndGet(engine.busyHandlerThreads(), Math::max);
                return fixture.deliveries(DeliveryEntity.DEAD, -1) == 100;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("calls " + calls + ", hung " + engine.hung(sub.id()) + ", sweeps "
                    + engine.sweeps().stats() + ", rows " + fixture.db.query("SELECT STATE, ATTEMPTS, NEXTATTEMPTAT,"
                    + " LASTERROR FROM COURIER_DELIVERY WHERE STATE <> 'DEAD'"), e);
        }
        int after = Thread.activeCount();
        System.out.printf("100 timed-out attempts (%d calls begun; a call can time out before a thread takes it):"
                + " JVM threads %d before, %d after; at most %d handler threads busy%n", calls.get(), before, after,
                mostThreads.get());
        assertEquals(100, fixture.deliveries(DeliveryEntity.DEAD, 1), "dead letters after their one attempt");
        // the abandoned call, the next one, and a thread finishing its call: never one per timed-out call
        assertTrue(mostThreads.get() <= 3, "handler threads busy at once: " + mostThreads.get());
    }
}
