package io.courier.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.TestDatabase;

class RoutingTest {

    private final TestDatabase db = TestDatabase.inMemory();
    private final Store store = db.preparedStore();
    private final Routing routing = new Routing();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        store.close();
        db.close();
    }

    @Test
    void routesByTopicAndSubscriber() {
        store.ensureSubscriptions("audit", List.of("audit", "/orders/created"), 1);
        store.ensureSubscriptions("billing", List.of("billing", "/orders/created"), 1);
        routing.reload(store::loadTopics);

        assertEquals(List.of("audit", "billing"),
                routing.topic("/orders/created").orElseThrow().subscriptions().stream().map(SubscriptionRow::subscriber)
                        .sorted().toList());
        assertEquals(2, routing.subscriptionsOf("audit").size());
        assertEquals(4, routing.subscriptions().size());
        assertTrue(routing.subscribedToAll("audit", List.of("audit", "/orders/created")));
        assertTrue(!routing.subscribedToAll("audit", List.of("audit", "/orders/shipped")));
        assertEquals("?", routing.topicName(-1));
    }

    /**
     * A pause and a new service's subscription, each stored then reloaded, at the same moment, many times: the
     * routing table must end up with the pause every time (an earlier read installed last would undo it).
     */
    @Test
    void aPauseRacingANewSubscriptionHolds() throws Exception {
        SubscriptionRow paused = store.ensureSubscriptions("held", List.of("held"), 1).get(0);
        routing.reload(store::loadTopics);
        for (int i = 0; i < 200; i++) {
            CountDownLatch start = new CountDownLatch(1);
            String newcomer = "newcomer-" + i;
            Future<?> registering = threads.submit(() -> {
                start.await();
                store.ensureSubscriptions(newcomer, List.of(newcomer), 1);
                routing.reload(store::loadTopics);
                return null;
            });
            Future<?> pausing = threads.submit(() -> {
                start.await();
                store.setPaused(List.of(paused.id()), true);
                routing.reload(store::loadTopics);
                return null;
            });
            start.countDown();
            registering.get();
            pausing.get();
            assertTrue(routing.subscription(paused.id()).orElseThrow().paused(), "pause lost in round " + i);
            assertTrue(routing.topic(newcomer).isPresent(), "subscription lost in round " + i);

            store.setPaused(List.of(paused.id()), false);
            routing.reload(store::loadTopics);
        }
    }
}
