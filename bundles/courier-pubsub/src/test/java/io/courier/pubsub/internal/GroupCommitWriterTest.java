package io.courier.pubsub.internal;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongToIntFunction;
import java.util.stream.Collectors;

import javax.persistence.EntityManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.courier.api.PublishException;
import io.courier.pubsub.internal.store.Acknowledgement;
import io.courier.pubsub.internal.store.BatchOutcome;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.TestDatabase;

class GroupCommitWriterTest {

    private static final String GATE = "gate";
    /** No subscription's worker takes deliveries in hand as they are stored: every one is fetched. */
    private static final LongToIntFunction NO_ROOM = subscription -> 0;

    private TestDatabase db;
    private GatedStore store;
    private SubscriptionRow sub;
    /** Every message the writer reported as stored, in the order it reported them. */
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private GroupCommitWriter writer;
    private ExecutorService publishers;

    /**
     * A real store that records each insert's batch and holds the batch holding the {@value #GATE} message
     * until released, so that publishers can queue up behind it and form the next batch.
     */
    static final class GatedStore extends Store {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        /** The acknowledgements written with each batch. */
        final List<Integer> acknowledged = new CopyOnWriteArrayList<>();
        final CountDownLatch gateEntered = new CountDownLatch(1);
        final CountDownLatch gateReleased = new CountDownLatch(1);

        GatedStore(TestDatabase db) {
            super(db.emf(), db.dialect());
        }

        @Override
        public List<DueDelivery> write(List<NewMessage> messages, List<Acknowledgement> acknowledgements,
                LongPredicate handed) {
            List<String> ids = messages.stream().map(NewMessage::msgId).toList();
            batches.add(ids);
            acknowledged.add(acknowledgements.size());
            if (ids.contains(GATE) && gateReleased.getCount() > 0) {
                gateEntered.countDown();
                try {
                    assertTrue(gateReleased.await(20, SECONDS), "the test never released the gate");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.write(messages, acknowledgements, handed);
        }
    }

    @BeforeEach
    void setUp() {
        db = TestDatabase.inMemory();
        store = new GatedStore(db);
        db.migrate();
        store.prepare();
        sub = store.ensureSubscriptions("svc", List.of("svc"), 1).get(0);
        publishers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        store.gateReleased.countDown();
        if (writer != null) {
            writer.stop();
        }
        publishers.shutdownNow();
        db.close();
    }

    private GroupCommitWriter startWriter(Consumer<List<NewMessage>> onStored) {
        writer = new GroupCommitWriter(store, NO_ROOM, (stored, handed) -> onStored.accept(stored));
        writer.start();
        return writer;
    }

    private GroupCommitWriter startWriter() {
        return startWriter(stored -> stored.forEach(m -> reported.add(m.msgId())));
    }

    private NewMessage message(String msgId, boolean chosen) {
        return new NewMessage(msgId, chosen, sub.topicId(), List.of(sub.id()), "{\"id\":\"" + msgId + "\"}",
                "application/json", 5, "corr", null, null, null, System.currentTimeMillis(), 0);
    }

    private List<String> storedIds() {
        return db.storedMsgIds();
    }

    /** Publishes on a thread of its own; the future ends when store() returns or throws. */
    private Future<?> publishAsync(NewMessage m) {
        return publishers.submit(() -> {
            writer.store(m);
            return null;
        });
    }

    /** Holds the writer inside the insert of a batch, so that what is published next queues up. */
    private Future<?> closeTheGate() throws InterruptedException {
        Future<?> gate = publishAsync(message(GATE, true));
        assertTrue(store.gateEntered.await(10, SECONDS), "the writer never started storing the gate message");
        return gate;
    }

    /** Waits until each thread is parked waiting for its own message to be stored, i.e. has queued it. */
    private static void awaitQueued(Set<Thread> threads) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> threads.stream()
                .allMatch(t -> t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(GroupCommitWriter.class.getName())
                                && f.getMethodName().equals("store"))
                        && Arrays.stream(t.getStackTrace())
                                .anyMatch(f -> f.getClassName().startsWith("java.util.concurrent.CompletableFuture"))));
    }

    /**
     * Publishes each message on a thread of its own, noting the thread. Each result, keyed "msgId#index",
     * completes when its store() returns, or fails with what it threw.
     */
    private Map<String, CompletableFuture<Void>> publishAllAsync(List<NewMessage> messages, Set<Thread> threads) {
        Map<String, CompletableFuture<Void>> results = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            NewMessage m = messages.get(i);
            CompletableFuture<Void> result = new CompletableFuture<>();
            results.put(m.msgId() + "#" + i, result);
            publishers.execute(() -> {
                threads.add(Thread.currentThread());
                try {
                    writer.store(m);
                    result.complete(null);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> threads.size() == messages.size());
        return results;
    }

    private static Throwable failureOf(CompletableFuture<Void> result) {
        return assertThrows(ExecutionException.class, () -> result.get(10, SECONDS)).getCause();
    }

    // ---- tests -----------------------------------------------------------------------------------------

    @Test
    void theTopicsLastMessageReachesItsRowWithinASecondAndAtStop() {
        startWriter();
        String lastInRow = "SELECT LASTMSGID FROM COURIER_TOPIC WHERE ID = " + sub.topicId();
        writer.store(message("first", false));
        await().atMost(Duration.ofSeconds(5)).until(() -> "first".equals(db.value(lastInRow)));

        writer.store(message("second", false));
        writer.stop();
        writer = null;
        assertEquals("second", db.value(lastInRow), "written by the writer's stop");
    }

    @Test
    void aBatchPublishIsStoredInOneTransactionAndAllOrNothing() throws Exception {
        startWriter();
        writer.storeAll(List.of(message("b1", false), message("b2", false), message("b3", false)));
        assertEquals(List.of(List.of("b1", "b2", "b3")), store.batches);
        assertEquals(List.of("b1", "b2", "b3"), reported);

        // a batch with a taken id fails whole, and does not fail a publish committed with it
        Future<?> gate = closeTheGate();
        Future<?> bad = publishers.submit(() -> {
            writer.storeAll(List.of(message("c1", false), message("b1", true)));
            return null;
        });
        Future<?> good = publishAsync(message("d1", false));
        await().atMost(Duration.ofSeconds(10)).until(() -> publishersQueued() == 3); // the gate and both
        store.gateReleased.countDown();
        gate.get(10, SECONDS);
        good.get(10, SECONDS);
        assertTrue(assertThrows(ExecutionException.class, () -> bad.get(10, SECONDS)).getCause()
                .getMessage().contains("'b1' is already in use"));
        assertTrue(storedIds().contains("d1"));
        assertFalse(storedIds().contains("c1"));
    }

    /** How many publishers wait for their messages to be stored. */
    private int publishersQueued() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(GroupCommitWriter.class.getName())
                        && f.getMethodName().equals("storeAll"))
                && t.getState() == Thread.State.WAITING).count();
    }

    @Test
    void concurrentPublishersAllReturnAndEveryMessageIsStoredExactlyOnce() throws Exception {
        startWriter();
        int threads = 16;
        int perThread = 50;
        CountDownLatch start = new CountDownLatch(1);
        Set<String> seenWhenReturning = ConcurrentHashMap.newKeySet();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(publishers.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    String id = "t" + thread + "-m" + i;
                    writer.store(message(id, i % 2 == 0));
                    // store() returns once the message is committed and its subscribers were woken.
                    if (reported.contains(id)) {
                        seenWhenReturning.add(id);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(20, SECONDS); // every publisher returns, none fails
        }

        Set<String> expected = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expected.add("t" + t + "-m" + i);
            }
        }
        List<String> stored = storedIds();
        assertEquals(threads * perThread, stored.size());
        assertEquals(expected, new HashSet<>(stored));
        assertEquals(threads * perThread, db.countMessages());
        assertEquals(threads * perThread, store.queueCounts().get(sub.id()).pending(), "one delivery per message");
        assertEquals(threads * perThread, reported.size(), "onStored saw each message once");
        assertEquals(expected, new HashSet<>(reported));
        assertEquals(expected, seenWhenReturning, "onStored ran before the publisher returned");
        int insertedInBatches = store.batches.stream().mapToInt(List::size).sum();
        assertEquals(threads * perThread, insertedInBatches, "no message inserted twice");
        assertTrue(store.batches.stream().allMatch(b -> b.size() <= GroupCommitWriter.MAX_BATCH));
    }

    @Test
    void publishersQueuedDuringACommitShareTheNextOne() throws Exception {
        startWriter();
        Future<?> gate = closeTheGate();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<NewMessage> messages = List.of(message("q1", true), message("q2", false), message("q3", true),
                message("q4", false), message("q5", true));
        Map<String, CompletableFuture<Void>> results = publishAllAsync(messages, threads);
        awaitQueued(threads);

        store.gateReleased.countDown();

        gate.get(10, SECONDS);
        for (CompletableFuture<Void> f : results.values()) {
            assertNull(f.get(10, SECONDS));
        }
        assertEquals(2, store.batches.size(), "batches: " + store.batches);
        assertEquals(Set.of("q1", "q2", "q3", "q4", "q5"), new HashSet<>(store.batches.get(1)),
                "the five queued publishes are committed together");
        assertEquals(Set.of(GATE, "q1", "q2", "q3", "q4", "q5"), new HashSet<>(storedIds()));
    }

    @Test
    void anAcknowledgementQueuedDuringACommitSharesTheNextOneWithThePublishes() throws Exception {
        startWriter();
        writer.store(message("earlier", true));
        DueDelivery earlier = store.fetchDue(sub.id(), System.currentTimeMillis(), 0, 10, false).get(0);
        Future<?> gate = closeTheGate();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Map<String, CompletableFuture<Void>> results = publishAllAsync(List.of(message("next", true)), threads);
        BatchOutcome outcome = new BatchOutcome();
        outcome.delivered(earlier);
        Future<?> ack = publishers.submit(() -> {
            writer.acknowledge(new Acknowledgement(sub.id(), outcome, System.currentTimeMillis()));
            return null;
        });
        // the gate's publisher, the next one and the deliverer all wait, the last two queued
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingForTheWriter() == 3);

        store.gateReleased.countDown();

        gate.get(10, SECONDS);
        ack.get(10, SECONDS);
        assertNull(results.values().iterator().next().get(10, SECONDS));
        assertEquals(List.of(List.of("earlier"), List.of(GATE), List.of("next")), store.batches);
        assertEquals(List.of(0, 0, 1), store.acknowledged, "the acknowledgement rode with the publish of 'next'");
        assertEquals(Set.of(GATE, "next"), new HashSet<>(storedIds()), "the delivered message is gone");
    }

    @Test
    void whilePublishesComeInAnAcknowledgementWaitsForTheNextPublishInsteadOfCommittingAlone() throws Exception {
        DueDelivery earlier = publishedThroughAWriterLingering(SECONDS.toNanos(30));
        Future<?> ack = acknowledgeAsync(earlier);
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingForTheWriter() == 1);

        writer.store(message("next", true));

        ack.get(10, SECONDS);
        assertEquals(List.of(List.of("earlier"), List.of("next")), store.batches);
        assertEquals(List.of(0, 1), store.acknowledged, "the acknowledgement rode with the publish of 'next'");
        assertEquals(List.of("next"), storedIds(), "the delivered message is gone");
    }

    @Test
    void anAcknowledgementWaitsForAPublishAtMostTheLingerThenCommitsAlone() throws Exception {
        DueDelivery earlier = publishedThroughAWriterLingering(MILLISECONDS.toNanos(50));

        acknowledgeAsync(earlier).get(10, SECONDS);

        assertEquals(List.of(0, 1), store.acknowledged);
        assertEquals(List.of(), storedIds());
    }

    @Test
    void anAcknowledgementAfterACommitWithoutPublishesIsNotHeldBack() throws Exception {
        store.write(List.of(message("a", true), message("b", true)), List.of());
        List<DueDelivery> due = store.fetchDue(sub.id(), System.currentTimeMillis(), 0, 10, false);
        writer = new GroupCommitWriter(store, NO_ROOM, (stored, handed) -> { }, SECONDS.toNanos(30), 0);
        writer.start();
        store.acknowledged.clear(); // the insert above

        // a backlog draining with nothing published: each acknowledgement commits at once
        acknowledgeAsync(due.get(0)).get(10, SECONDS);
        acknowledgeAsync(due.get(1)).get(10, SECONDS);

        assertEquals(List.of(1, 1), store.acknowledged);
        assertEquals(List.of(), storedIds());
    }

    /** Starts a writer whose acknowledgements wait this long for a publish, and publishes one message through it. */
    private DueDelivery publishedThroughAWriterLingering(long ackLingerNanos) {
        writer = new GroupCommitWriter(store, NO_ROOM, (stored, handed) -> { }, ackLingerNanos, 0);
        writer.start();
        writer.store(message("earlier", true));
        return store.fetchDue(sub.id(), System.currentTimeMillis(), 0, 10, false).get(0);
    }

    private Future<?> acknowledgeAsync(DueDelivery delivered) {
        BatchOutcome outcome = new BatchOutcome();
        outcome.delivered(delivered);
        return publishers.submit(() -> {
            writer.acknowledge(new Acknowledgement(sub.id(), outcome, System.currentTimeMillis()));
            return null;
        });
    }

    @Test
    void aCommitWaitsForAsManyPublishCallsAsTheLastOneAnswered() throws Exception {
        releasedThreePublishersThroughAWriterGathering(SECONDS.toNanos(30));

        // they come back one by one: the first two wait for the third
        Future<?> r1 = publishAsync(message("r1", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingForTheWriter() == 1);
        Future<?> r2 = publishAsync(message("r2", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingForTheWriter() == 2);
        Future<?> r3 = publishAsync(message("r3", true));

        for (Future<?> r : List.of(r1, r2, r3)) {
            r.get(10, SECONDS);
        }
        assertEquals(3, store.batches.size(), "batches: " + store.batches);
        assertEquals(Set.of("r1", "r2", "r3"), new HashSet<>(store.batches.get(2)), "one commit for the three");
    }

    @Test
    void aCommitWaitsForPublishCallsAtMostTheGatherThenCommitsWhatItHas() throws Exception {
        releasedThreePublishersThroughAWriterGathering(MILLISECONDS.toNanos(50));

        publishAsync(message("alone", true)).get(10, SECONDS);

        assertEquals(List.of("alone"), store.batches.get(2));
    }

    /** Starts a writer that gathers this long; three publishers queue up behind a commit and are answered together. */
    private void releasedThreePublishersThroughAWriterGathering(long gatherNanos) throws Exception {
        writer = new GroupCommitWriter(store, NO_ROOM, (stored, handed) -> { }, MILLISECONDS.toNanos(1), gatherNanos);
        writer.start();
        Future<?> gate = closeTheGate();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Map<String, CompletableFuture<Void>> results = publishAllAsync(
                List.of(message("q1", true), message("q2", true), message("q3", true)), threads);
        awaitQueued(threads);
        store.gateReleased.countDown();
        gate.get(10, SECONDS);
        for (CompletableFuture<Void> f : results.values()) {
            assertNull(f.get(10, SECONDS));
        }
        assertEquals(Set.of("q1", "q2", "q3"), new HashSet<>(store.batches.get(1)));
    }

    @Test
    void anErrorWhileStoringFailsItsPublisherAndTheWriterGoesOn() throws Exception {
        AtomicBoolean thrown = new AtomicBoolean();
        writer = new GroupCommitWriter(new Store(db.emf(), db.dialect()) {
            @Override
            public List<DueDelivery> write(List<NewMessage> messages, List<Acknowledgement> acknowledgements,
                    LongPredicate handed) {
                if (thrown.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("simulated");
                }
                return super.write(messages, acknowledgements, handed);
            }
        }, NO_ROOM, (stored, handed) -> { });
        writer.start();

        Future<?> first = publishAsync(message("first", true));
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(10, SECONDS));
        publishAsync(message("second", true)).get(10, SECONDS);

        assertInstanceOf(PublishException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("simulated"), e.getCause().getMessage());
        assertEquals(List.of("second"), storedIds());
    }

    @Test
    void aWriterThatEndsOnItsOwnRefusesPublishesInsteadOfLeavingThemWaiting() throws Exception {
        startWriter();
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("courier-publish-writer")).findFirst().orElseThrow();

        thread.interrupt();
        thread.join(10_000);

        Future<?> refused = publishAsync(message("late", true));
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, SECONDS));
        assertInstanceOf(PublishException.class, e.getCause());
        assertEquals(List.of(), storedIds());
    }

    @Test
    void aFailedAcknowledgementReachesTheDelivererAndRecordsNothing() throws Exception {
        store.write(List.of(message("kept", true)), List.of());
        DueDelivery kept = store.fetchDue(sub.id(), System.currentTimeMillis(), 0, 10, false).get(0);
        writer = new GroupCommitWriter(failingStore(), NO_ROOM, (stored, handed) -> { });
        writer.start();
        BatchOutcome outcome = new BatchOutcome();
        outcome.delivered(kept);

        RuntimeException e = assertThrows(RuntimeException.class,
                () -> writer.acknowledge(new Acknowledgement(sub.id(), outcome, System.currentTimeMillis())));

        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(List.of("kept"), storedIds(), "the message is still there, delivered again later");
    }

    private Store failingStore() {
        return new Store(db.emf(), db.dialect()) {
            @Override
            public List<DueDelivery> write(List<NewMessage> messages, List<Acknowledgement> acknowledgements,
                    LongPredicate handed) {
                throw new IllegalStateException("disk full\n  Detail: the database's own second line");
            }
        };
    }

    /** How many threads wait for the writer: publishers in store(), deliverers in acknowledge(). */
    private static long waitingForTheWriter() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(GroupCommitWriter.class.getName())
                                && (f.getMethodName().equals("store") || f.getMethodName().equals("acknowledge"))))
                .count();
    }

    @Test
    void aDuplicateIdFailsOnlyItsPublisherWhileTheRestOfTheBatchIsStored() throws Exception {
        startWriter();
        writer.store(message("taken", true));
        reported.clear();
        Future<?> gate = closeTheGate();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<NewMessage> messages = List.of(message("ok-1", true), message("ok-2", false), message("taken", true),
                message("ok-3", true), message("ok-4", false));
        Map<String, CompletableFuture<Void>> results = publishAllAsync(messages, threads);
        awaitQueued(threads);

        store.gateReleased.countDown();

        gate.get(10, SECONDS);
        for (String ok : List.of("ok-1#0", "ok-2#1", "ok-3#3", "ok-4#4")) {
            assertNull(results.get(ok).get(10, SECONDS), ok);
        }
        Throwable failure = failureOf(results.get("taken#2"));
        assertTrue(store.batches.stream().anyMatch(b -> new HashSet<>(b).equals(
                Set.of("ok-1", "ok-2", "taken", "ok-3", "ok-4"))), "the five were tried as one batch: " + store.batches);
        assertInstanceOf(PublishException.class, failure);
        assertTrue(failure.getMessage().contains("'taken'") && failure.getMessage().contains("already in use"),
                failure.getMessage());

        List<String> stored = storedIds();
        assertEquals(6, stored.size());
        assertEquals(Set.of("taken", GATE, "ok-1", "ok-2", "ok-3", "ok-4"), new HashSet<>(stored));
        assertEquals(Set.of(GATE, "ok-1", "ok-2", "ok-3", "ok-4"), new HashSet<>(reported));
        assertEquals(5, reported.size(), "the refused duplicate is not reported as stored");
    }

    @Test
    void ofTwoPublishersChoosingTheSameNewIdInOneBatchExactlyOneSucceeds() throws Exception {
        startWriter();
        Future<?> gate = closeTheGate();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<NewMessage> messages = List.of(message("twin", true), message("other", false), message("twin", true));
        Map<String, CompletableFuture<Void>> results = publishAllAsync(messages, threads);
        awaitQueued(threads);

        store.gateReleased.countDown();

        gate.get(10, SECONDS);
        assertNull(results.get("other#1").get(10, SECONDS));
        List<Throwable> twinFailures = new ArrayList<>();
        for (String key : List.of("twin#0", "twin#2")) {
            try {
                results.get(key).get(10, SECONDS);
            } catch (ExecutionException e) {
                twinFailures.add(e.getCause());
            }
        }
        assertEquals(1, twinFailures.size(), "exactly one of the two twins fails");
        assertTrue(store.batches.stream().anyMatch(b -> b.stream().sorted().toList().equals(List.of("other", "twin", "twin"))),
                "tried as one batch: " + store.batches);
        assertInstanceOf(PublishException.class, twinFailures.get(0));
        assertEquals(Map.of(GATE, 1L, "twin", 1L, "other", 1L),
                storedIds().stream().collect(Collectors.groupingBy(id -> id, Collectors.counting())));
    }

    /**
     * A commit hands over no more of a subscription's new deliveries than its worker had room for before it, the first
     * ones in publish order, and has handed them over by the time its publisher is answered.
     */
    @Test
    void aCommitHandsOverAsManyDeliveriesAsTheWorkerHasRoomForBeforeItsPublisherReturns() {
        SubscriptionRow full = store.ensureSubscriptions("full", List.of("full"), 1).get(0);
        Map<Long, Integer> room = Map.of(sub.id(), 2, full.id(), 0);
        List<String> handedOver = new CopyOnWriteArrayList<>();
        writer = new GroupCommitWriter(store, room::get,
                (stored, handed) -> handed.forEach(d -> handedOver.add(d.msgId())));
        writer.start();
        NewMessage toFull = new NewMessage("f1", false, full.topicId(), List.of(full.id()), "{}", "application/json", 5,
                null, null, null, null, System.currentTimeMillis(), 0);

        writer.storeAll(List.of(message("h1", false), message("h2", false), toFull, message("h3", false)));

        assertEquals(List.of("h1", "h2"), handedOver, "handed over by the time storeAll returned");
    }

    @Test
    void aStorageFailureIsAPublishExceptionAndNothingIsReported() {
        Store failing = failingStore();
        writer = new GroupCommitWriter(failing, NO_ROOM,
                (stored, handed) -> stored.forEach(m -> reported.add(m.msgId())));
        writer.start();

        PublishException e = assertThrows(PublishException.class, () -> writer.store(message("m", false)));

        assertTrue(e.getMessage().contains("disk full") && e.getMessage().contains("nothing was published"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("Detail"), "one line: " + e.getMessage());
        assertEquals(List.of(), reported);
        assertEquals(0, db.countMessages());
    }

    @Test
    void aFailingWakeUpDoesNotFailThePublish() {
        startWriter(stored -> {
            throw new IllegalStateException("delivery engine gone");
        });

        writer.store(message("m1", true));

        assertEquals(List.of("m1"), storedIds());
    }

    @Test
    void afterStopStoreIsRefusedAndNothingIsStored() {
        startWriter();
        writer.store(message("before", true));
        writer.stop();

        PublishException e = assertThrows(PublishException.class, () -> writer.store(message("after", true)));

        assertTrue(e.getMessage().contains("not stored"), e.getMessage());
        assertEquals(List.of("before"), storedIds());
        assertEquals(List.of("before"), reported);
    }

    @Test
    void stopStoresWhatIsAlreadyQueued() throws Exception {
        startWriter();
        Future<?> gate = closeTheGate();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<NewMessage> messages = List.of(message("s1", true), message("s2", false), message("s3", true));
        Map<String, CompletableFuture<Void>> results = publishAllAsync(messages, threads);
        awaitQueued(threads);
        Thread[] stopper = new Thread[1];
        Future<?> stop = publishers.submit(() -> {
            stopper[0] = Thread.currentThread();
            writer.stop();
            return null;
        });
        // stop() has stopped accepting and now waits for the writer thread to finish the queue.
        await().atMost(Duration.ofSeconds(10)).until(() -> stopper[0] != null
                && stopper[0].getState() == Thread.State.TIMED_WAITING
                && Arrays.stream(stopper[0].getStackTrace()).anyMatch(f -> f.getMethodName().equals("join")));
        assertThrows(PublishException.class, () -> writer.store(message("late", true)));

        store.gateReleased.countDown();

        stop.get(20, SECONDS);
        gate.get(10, SECONDS);
        for (CompletableFuture<Void> f : results.values()) {
            assertNull(f.get(10, SECONDS), "a publish queued before stop() is stored");
        }
        assertEquals(Set.of(GATE, "s1", "s2", "s3"), new HashSet<>(storedIds()));
    }
}
