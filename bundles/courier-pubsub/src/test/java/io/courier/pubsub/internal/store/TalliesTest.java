package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TalliesTest {

    private final Tallies tallies = new Tallies();

    private static Tallies.Unwritten done(long subscriptionId, long delivered, long lastAt) {
        Tallies.Unwritten u = new Tallies.Unwritten();
        u.done(subscriptionId, new Tallies.Done(delivered, 0, lastAt));
        return u;
    }

    private long unwrittenDelivered(long subscriptionId) {
        return tallies.read(() -> 0L, (rows, u) -> {
            Tallies.Done d = u.doneBySubscription().get(subscriptionId);
            return d == null ? 0 : d.delivered();
        });
    }

    @Test
    void aFailedFlushKeepsWhatItTookForTheNext() {
        tallies.add(done(7, 3, 100));
        assertThrows(IllegalStateException.class, () -> tallies.flush(true, u -> {
            throw new IllegalStateException("database down");
        }));
        tallies.add(done(7, 2, 200)); // gathered while the flush failed

        List<Tallies.Unwritten> written = new ArrayList<>();
        tallies.flush(true, written::add);

        assertEquals(1, written.size());
        assertEquals(new Tallies.Done(5, 0, 200), written.get(0).doneBySubscription().get(7L));
        assertEquals(0, unwrittenDelivered(7), "written: no longer added by the views");
    }

    @Test
    void aFlushWithNothingGatheredWritesNothing() {
        tallies.flush(true, u -> {
            throw new AssertionError("nothing to write");
        });
    }

    @Test
    void aFlushThatMustNotWaitIsPutOffWhileAViewReadsAndDoneAfter() throws Exception {
        tallies.add(done(7, 1, 100));
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread view = new Thread(() -> tallies.read(() -> {
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0L;
        }, (rows, u) -> rows));
        view.start();
        reading.await();
        List<Tallies.Unwritten> written = new ArrayList<>();

        assertEquals(false, tallies.flush(false, written::add), "put off while the view reads");
        assertEquals(List.of(), written);

        release.countDown();
        view.join();
        assertTrue(tallies.flush(false, written::add));
        assertEquals(1, written.size());
    }

    @Test
    void theNewestLastMessageOfATopicIsKept() {
        Tallies.Unwritten u = new Tallies.Unwritten();
        u.last(1, new Tallies.Last("b", 200, "pb"));
        u.last(1, new Tallies.Last("a", 100, "pa")); // an older commit's, added later
        tallies.add(u);

        List<Tallies.Unwritten> written = new ArrayList<>();
        tallies.flush(true, written::add);
        assertEquals("b", written.get(0).lastByTopic().get(1L).msgId());
    }
}
