package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.courier.api.PubSubMessage;
import io.courier.api.PublishOptions;
import io.courier.api.Service;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.TopicInfo;

/** Durable delivery as a service sees it: retries, waiting for a service, dead letters, topics, order. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeliveryIT extends CourierTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    private ConfigurationAdmin configAdmin;

    @Test
    public void aServiceFailingThreeTimesGetsTheMessageOnceOnTheFourthAttempt() {
        Recorder flaky = new Recorder(3);
        register("it.flaky", flaky, "courier.delivery.backoffInitialMs", 200L);

        String id = pubsub.publish("it.flaky", Map.of("order", 42));

        await().atMost(WAIT).until(() -> !admin.browse("it.flaky", false, 0, 10).isEmpty()
                && admin.browse("it.flaky", false, 0, 10).get(0).attempts() >= 1);
        QueuedMessage waiting = admin.browse("it.flaky", false, 0, 10).get(0);
        assertEquals(id, waiting.msgId());
        assertTrue(waiting.lastError().orElseThrow().contains("downstream unavailable"));

        await().atMost(WAIT).until(() -> flaky.received.size() == 1);
        PubSubMessage msg = flaky.received.get(0);
        assertEquals(id, msg.msgId());
        assertEquals(4, msg.attempt());
        assertEquals(Map.of("order", 42), msg.data());
        await().during(Duration.ofMillis(800)).atMost(WAIT).until(() -> flaky.calls.get() == 4);
        assertEquals(1, flaky.received.size());
        assertEquals(0, topic("it.flaky").orElseThrow().depth());
        assertEquals(1, subscription("it.flaky", "it.flaky").delivered());
    }

    @Test
    public void messagesForAKnownServiceThatIsAwayWaitAndArriveWhenItRegistersAgain() {
        ServiceRegistration<Service> first = register("it.away", new Recorder());
        unregister(first);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(pubsub.publish("it.away", Recorder.data(i)));
        }
        assertEquals(3, topic("it.away").orElseThrow().depth());

        Recorder back = new Recorder();
        register("it.away", back);
        await().atMost(WAIT).until(() -> back.received.size() == 3);
        assertEquals(ids, back.ids());
        assertEquals(List.of(Recorder.data(0), Recorder.data(1), Recorder.data(2)), back.data());
        await().atMost(WAIT).until(() -> topic("it.away").orElseThrow().depth() == 0);
    }

    @Test
    public void aServiceThatRegistersAgainGetsTheRetriesItsPreviousRegistrationLeftWaitingAtOnce() {
        Recorder broken = new Recorder(1);
        ServiceRegistration<Service> first = register("it.comeback", broken, "courier.delivery.backoffInitialMs",
                600_000L);
        String id = pubsub.publish("it.comeback", Map.of("n", 1));
        // the failure is recorded: the next attempt is ten minutes away
        await().atMost(WAIT).until(() -> !admin.browse("it.comeback", false, 0, 10).isEmpty()
                && admin.browse("it.comeback", false, 0, 10).get(0).attempts() == 1);
        unregister(first);

        Recorder fixed = new Recorder();
        register("it.comeback", fixed, "courier.delivery.backoffInitialMs", 600_000L);

        await().atMost(WAIT).until(() -> fixed.received.size() == 1);
        assertEquals(List.of(id), fixed.ids());
        assertEquals(2, fixed.received.get(0).attempt());
        await().atMost(WAIT).until(() -> topic("it.comeback").orElseThrow().depth() == 0);
    }

    @Test
    public void afterItsLastAttemptAMessageIsADeadLetterKeptWithItsError() {
        Recorder broken = new Recorder(Integer.MAX_VALUE);
        register("it.broken", broken, "courier.delivery.maxAttempts", "2", "courier.delivery.backoffInitialMs", "50");

        String id = pubsub.publish("it.broken", Map.of("x", 1));

        await().atMost(WAIT).until(() -> topic("it.broken").orElseThrow().dead() == 1);
        TopicInfo topic = topic("it.broken").orElseThrow();
        assertEquals(0, topic.depth());
        List<QueuedMessage> dead = admin.browse("it.broken", true, 0, 10);
        assertEquals(1, dead.size());
        assertEquals(id, dead.get(0).msgId());
        assertTrue(dead.get(0).dead());
        assertEquals(2, dead.get(0).attempts());
        assertTrue(dead.get(0).lastError().orElseThrow().contains("downstream unavailable (call 2)"));
        // a dead letter is not delivered again
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> broken.calls.get() == 2);
    }

    @Test
    public void servicesThatHangAreCutOffByTheTimeoutWhileOthersKeepReceiving() {
        List<String> hanging = List.of("it.hang.1", "it.hang.2", "it.hang.3", "it.hang.4", "it.hang.5");
        CountDownLatch never = new CountDownLatch(1);
        for (String name : hanging) {
            register(name, (request, ctx) -> {
                never.await(); // hangs until interrupted
                return null;
            }, "courier.delivery.timeoutMs", 1_000L, "courier.delivery.maxAttempts", 1);
            pubsub.publish(name, "never answered");
        }
        Recorder healthy = new Recorder();
        register("it.healthy", healthy);
        long start = System.nanoTime();
        pubsub.publish("it.healthy", "on time");

        await().atMost(WAIT).until(() -> healthy.received.size() == 1);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue("delivered after " + tookMs + " ms despite five hanging services", tookMs < 5_000);
        for (String name : hanging) {
            await().atMost(WAIT).until(() -> topic(name).orElseThrow().dead() == 1);
            assertTrue(admin.browse(name, true, 0, 1).get(0).lastError().orElseThrow().contains("no answer within 1000 ms"));
        }
    }

    @Test
    public void errorsThrownByAServiceAreItsFailuresAndDoNotStopDelivery() {
        register("it.errors", (request, ctx) -> {
            switch (String.valueOf(request.payload())) {
                case "soe": throw new StackOverflowError("simulated");
                case "oom": throw new OutOfMemoryError("simulated");
                default: throw new NoClassDefFoundError("com/example/HalfUpdated");
            }
        }, "courier.delivery.maxAttempts", 1);
        pubsub.publish("it.errors", "soe");
        pubsub.publish("it.errors", "oom");
        pubsub.publish("it.errors", "ncdfe");

        await().atMost(WAIT).until(() -> topic("it.errors").orElseThrow().dead() == 3);
        List<String> errors = admin.browse("it.errors", true, 0, 10).stream()
                .map(m -> m.lastError().orElseThrow()).toList();
        assertTrue(errors.toString(), errors.stream().anyMatch(e -> e.startsWith("java.lang.StackOverflowError")));
        assertTrue(errors.toString(), errors.stream().anyMatch(e -> e.startsWith("java.lang.OutOfMemoryError")));
        assertTrue(errors.toString(), errors.stream().anyMatch(e -> e.startsWith("java.lang.NoClassDefFoundError")));
        Recorder after = new Recorder();
        register("it.after.errors", after);
        pubsub.publish("it.after.errors", "still delivering");
        await().atMost(WAIT).until(() -> after.received.size() == 1);
    }

    @Test
    public void aPausedServiceKeepsItsMessagesUntilResumed() {
        Recorder paused = new Recorder();
        register("it.paused", paused);
        admin.pause("it.paused");
        assertTrue(subscription("it.paused", "it.paused").paused());
        String id = pubsub.publish("it.paused", Map.of("held", true),
                PublishOptions.builder().priority(7).correlationId("corr-held").build());

        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> paused.received.isEmpty());
        MessageDetails held = admin.message(id).orElseThrow();
        assertEquals("it.paused", held.topic());
        assertEquals(7, held.priority());
        assertEquals("corr-held", held.correlationId());
        assertEquals("{\"held\":true}", held.data());
        assertEquals(List.of("it.paused"), held.deliveries().stream().map(QueuedMessage::subscriber).toList());

        admin.resume("it.paused");
        await().atMost(WAIT).until(() -> paused.received.size() == 1);
        assertEquals(id, paused.received.get(0).msgId());
        await().atMost(WAIT).until(() -> admin.message(id).isEmpty());
    }

    @Test
    public void aDeadLetterRetriedIntoAFixedServiceIsDeliveredOnce() {
        ServiceRegistration<Service> broken = register("it.fixme", new Recorder(Integer.MAX_VALUE),
                "courier.delivery.maxAttempts", 1);
        String id = pubsub.publish("it.fixme", Map.of("fix", "me"));
        await().atMost(WAIT).until(() -> topic("it.fixme").orElseThrow().dead() == 1);
        unregister(broken);
        Recorder fixed = new Recorder();
        register("it.fixme", fixed);

        assertEquals(1, admin.retry(id));

        await().atMost(WAIT).until(() -> fixed.received.size() == 1);
        assertEquals(id, fixed.received.get(0).msgId());
        assertEquals(1, fixed.received.get(0).attempt());
        assertEquals(Map.of("fix", "me"), fixed.received.get(0).data());
        await().atMost(WAIT).until(() -> topic("it.fixme").orElseThrow().dead() == 0
                && topic("it.fixme").orElseThrow().depth() == 0);
        assertEquals(0, admin.retry(id));
    }

    @Test
    public void aSharedTopicReachesEachSubscriberOnce() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        register("it.sub.a", a, Service.SUBSCRIBE, "/it/orders");
        register("it.sub.b", b, Service.SUBSCRIBE, new String[] { "/it/orders", "/it/other" });

        String id = pubsub.publish("/it/orders", Map.of("sku", "A-1"));

        await().atMost(WAIT).until(() -> a.received.size() == 1 && b.received.size() == 1);
        assertEquals(id, a.received.get(0).msgId());
        assertEquals(id, b.received.get(0).msgId());
        assertEquals("/it/orders", a.received.get(0).topic());
        assertEquals(Set.of("it.sub.a", "it.sub.b"), new HashSet<>(topic("/it/orders").orElseThrow().subscribers()));
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> a.calls.get() == 1 && b.calls.get() == 1);
    }

    @Test
    public void higherPriorityIsDeliveredFirstThenPublishOrder() {
        unregister(register("it.prio", new Recorder()));
        String low = pubsub.publish("it.prio", "low", PublishOptions.builder().priority(1).build());
        String normal1 = pubsub.publish("it.prio", "normal-1");
        String high = pubsub.publish("it.prio", "high", PublishOptions.builder().priority(9).build());
        String normal2 = pubsub.publish("it.prio", "normal-2");

        Recorder prio = new Recorder();
        register("it.prio", prio);
        await().atMost(WAIT).until(() -> prio.received.size() == 4);
        assertEquals(List.of(high, normal1, normal2, low), prio.ids());
        assertEquals(List.of("high", "normal-1", "normal-2", "low"), prio.data());
        assertEquals(9, prio.received.get(0).priority());
    }

    @Test
    public void anExpiredMessageIsNotDeliveredAndIsCounted() {
        unregister(register("it.expiring", new Recorder()));
        pubsub.publish("it.expiring", "too late", PublishOptions.builder().expiration(Duration.ofMillis(300)).build());
        long expiredBy = System.currentTimeMillis() + 300;
        String fresh = pubsub.publish("it.expiring", "in time");
        await().atMost(WAIT).until(() -> System.currentTimeMillis() > expiredBy + 100);

        Recorder late = new Recorder();
        register("it.expiring", late);
        await().atMost(WAIT).until(() -> subscription("it.expiring", "it.expiring").expired() == 1);
        await().atMost(WAIT).until(() -> late.received.size() == 1);
        assertEquals(fresh, late.received.get(0).msgId());
        assertEquals(0, topic("it.expiring").orElseThrow().depth());
    }

    @Test
    public void orderedDeliveryHoldsTheQueueUntilTheFailingMessageSucceeds() {
        unregister(register("it.ordered", new Recorder()));
        String first = pubsub.publish("it.ordered", "first");
        String second = pubsub.publish("it.ordered", "second");

        Recorder ordered = new Recorder(2);
        register("it.ordered", ordered, "courier.delivery.ordered", true, "courier.delivery.backoffInitialMs", 300L);
        await().atMost(WAIT).until(() -> ordered.received.size() == 2);
        assertEquals(List.of(first, second), ordered.ids());
        assertEquals("the second message waited: it was tried once, after the first succeeded", 4,
                ordered.calls.get());
        assertEquals(3, ordered.received.get(0).attempt());
        assertEquals(1, ordered.received.get(1).attempt());
    }

    @Test
    public void unorderedDeliveryLetsOtherMessagesPassAFailingOne() {
        unregister(register("it.unordered", new Recorder()));
        String first = pubsub.publish("it.unordered", "first");
        String second = pubsub.publish("it.unordered", "second");

        Recorder unordered = new Recorder(1);
        register("it.unordered", unordered, "courier.delivery.backoffInitialMs", 300L);
        await().atMost(WAIT).until(() -> unordered.received.size() == 2);
        assertEquals(List.of(second, first), unordered.ids());
    }

    @Test
    public void aServiceDeliveryPolicyComesFromItsFactoryConfiguration() throws Exception {
        Configuration config = configAdmin.createFactoryConfiguration("io.courier.delivery", "?");
        config.update(new Hashtable<>(Map.of("service", "it.configured", "maxAttempts", "1")));
        try {
            Recorder failing = new Recorder(Integer.MAX_VALUE);
            register("it.configured", failing);
            await().atMost(WAIT).until(() -> admin.topics().stream().anyMatch(t -> t.name().equals("it.configured")));
            // configured before the service registered: its first failure is its last
            String id = pubsub.publish("it.configured", "x");
            await().atMost(WAIT).until(() -> admin.browse("it.configured", true, 0, 10).stream()
                    .anyMatch(m -> m.msgId().equals(id)));
            assertEquals(1, admin.browse("it.configured", true, 0, 10).stream().filter(m -> m.msgId().equals(id))
                    .findFirst().orElseThrow().attempts());
        } finally {
            config.delete();
        }
    }

    @Test
    public void concurrentPublishersAreEachStoredAndDeliveredExactlyOnce() throws Exception {
        Recorder sink = new Recorder();
        register("it.sink", sink);
        ExecutorService publishers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                tasks.add(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        ids.add(pubsub.publish("it.sink", Map.of("t", thread, "i", i)));
                    }
                    return ids;
                });
            }
            Set<String> published = new HashSet<>();
            for (Future<List<String>> f : publishers.invokeAll(tasks)) {
                published.addAll(f.get());
            }
            assertEquals(400, published.size());
            await().atMost(WAIT).until(() -> sink.received.size() >= 400);
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> sink.received.size() == 400);
            assertEquals(published, new HashSet<>(sink.ids()));
        } finally {
            publishers.shutdownNow();
        }
    }
}
