package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.courier.api.PublishOptions;

/**
 * The store on a real database: each database the store runs on has a subclass, which runs every test here and
 * adds those of its own.
 */
abstract class StoreTest {

    protected TestDatabase db;
    protected Store store;

    /** A new, empty database of the subclass's kind. */
    protected abstract TestDatabase open();

    @BeforeEach
    void setUp() {
        db = open();
        store = db.preparedStore();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** A message with a generated-style id, published at the given time to every given subscription. */
    protected static NewMessage message(String msgId, int priority, long publishedAt, SubscriptionRow... subs) {
        return message(msgId, false, priority, publishedAt, 0, subs);
    }

    private static NewMessage message(String msgId, boolean chosen, int priority, long publishedAt, long expiresAt,
            SubscriptionRow... subs) {
        return new NewMessage(msgId, chosen, subs[0].topicId(), Arrays.stream(subs).map(SubscriptionRow::id).toList(),
                "{\"id\":\"" + msgId + "\"}", "application/json", priority, "corr-" + msgId.hashCode(),
                "reply-" + msgId.hashCode(), "client-" + msgId.hashCode(), "publisher-svc", publishedAt, expiresAt);
    }

    private static NewMessage chosen(String msgId, SubscriptionRow... subs) {
        return message(msgId, true, 5, 1_000, 0, subs);
    }

    protected SubscriptionRow subscribe(String subscriber, String topic) {
        List<SubscriptionRow> rows = store.ensureSubscriptions(subscriber, List.of(topic), 1);
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    private static List<String> ids(List<DueDelivery> deliveries) {
        return deliveries.stream().map(DueDelivery::msgId).toList();
    }

    protected List<String> due(SubscriptionRow sub, long now, boolean ordered) {
        return ids(store.fetchDue(sub.id(), now, 0, 100, ordered));
    }

    private DueDelivery only(SubscriptionRow sub, String msgId) {
        return store.fetchDue(sub.id(), Long.MAX_VALUE, 0, 1_000, true).stream().filter(d -> d.msgId().equals(msgId))
                .findFirst().orElseThrow(() -> new AssertionError("no delivery of " + msgId));
    }

    private static BatchOutcome delivered(DueDelivery d) {
        BatchOutcome o = new BatchOutcome();
        o.delivered(d);
        return o;
    }

    private static BatchOutcome expired(DueDelivery d) {
        BatchOutcome o = new BatchOutcome();
        o.expired(d);
        return o;
    }

    private static BatchOutcome failed(long deliveryId, int attempts, long next, boolean dead, String error) {
        BatchOutcome o = new BatchOutcome();
        o.failed(new BatchOutcome.Failure(deliveryId, attempts, next, dead, error));
        return o;
    }

    /** Stores messages as a publish does. */
    protected void insert(List<NewMessage> messages) {
        store.write(messages, List.of());
    }

    /**
     * A write hands back the new deliveries of the subscriptions it is told to hand over, for the node's workers to
     * deliver without fetching them: each exactly as a fetch reads it, a shared topic's message with its own row.
     */
    @Test
    void theNewDeliveriesOfHandedSubscriptionsComeBackFromTheWriteAsAFetchReadsThem() {
        SubscriptionRow own = subscribe("svc", "svc");
        SubscriptionRow a = subscribe("a", "/shared");
        SubscriptionRow b = subscribe("b", "/shared");
        List<DueDelivery> handed = store.write(List.of(message("m1", 5, 1_000, own), message("m2", 7, 1_001, a, b),
                chosen("m3", own)), List.of(), subscription -> subscription != b.id());

        Map<Long, List<DueDelivery>> bySubscription = handed.stream()
                .collect(Collectors.groupingBy(DueDelivery::subscriptionId));
        assertEquals(Set.of(own.id(), a.id()), bySubscription.keySet(), "b's delivery is not handed over");
        for (SubscriptionRow sub : List.of(own, a)) {
            List<DueDelivery> fetched = store.fetchDue(sub.id(), 2_000, 0, 10, false);
            assertEquals(Set.copyOf(fetched), Set.copyOf(bySubscription.get(sub.id())), sub.subscriber());
        }
        assertEquals(List.of("m2"), ids(store.fetchDue(b.id(), 2_000, 0, 10, false)), "b's is stored all the same");
        assertEquals(List.of(), store.write(List.of(message("m4", 5, 1_003, own)), List.of(), subscription -> false));
    }

    /** Records the outcome of a subscription's delivery batch as its acknowledgement does. */
    private void complete(long subscriptionId, BatchOutcome outcome, long now) {
        store.write(List.of(), List.of(new Acknowledgement(subscriptionId, outcome, now)));
    }

    private SubscriptionStats stats(SubscriptionRow sub) {
        return store.subscriptionStats().stream().filter(s -> s.id() == sub.id()).findFirst().orElseThrow();
    }

    private TopicFacts facts(String topic) {
        return store.topicFacts().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow();
    }

    @Test
    void ensureSubscriptionsIsIdempotent() {
        List<SubscriptionRow> first = store.ensureSubscriptions("orders", List.of("orders", "/orders/created"), 100);
        List<SubscriptionRow> again = store.ensureSubscriptions("orders", List.of("orders", "/orders/created"), 200);

        assertEquals(first, again);
        assertNotEquals(first.get(0).id(), first.get(1).id());
        List<TopicRow> topics = store.loadTopics();
        assertEquals(2, topics.size());
        assertEquals(List.of("/orders/created", "orders"), topics.stream().map(TopicRow::name).toList());
        for (TopicRow t : topics) {
            assertEquals(1, t.subscriptions().size(), t.toString());
            assertEquals("orders", t.subscriptions().get(0).subscriber());
            assertFalse(t.subscriptions().get(0).paused());
        }
        assertEquals(2, store.subscriptionStats().size());
        assertEquals(100, facts("orders").createdAt(), "the second call must not recreate the topic");
    }

    @Test
    void sharedTopicsAreMarkedSharedAndServiceTopicsAreNot() {
        store.ensureSubscriptions("orders", List.of("orders", "/orders/created"), 1);

        Map<String, Boolean> shared = store.loadTopics().stream()
                .collect(Collectors.toMap(TopicRow::name, TopicRow::shared));
        assertEquals(Map.of("orders", false, "/orders/created", true), shared);
        assertTrue(facts("/orders/created").shared());
        assertFalse(facts("orders").shared());
        assertNull(facts("orders").lastMsgId());
    }

    @Test
    void aSharedTopicGetsOneSubscriptionPerSubscriber() {
        SubscriptionRow billing = subscribe("billing", "/orders");
        SubscriptionRow shipping = subscribe("shipping", "/orders");
        SubscriptionRow billingAgain = subscribe("billing", "/orders");

        assertEquals(billing.topicId(), shipping.topicId());
        assertNotEquals(billing.id(), shipping.id());
        assertEquals(billing, billingAgain);
        TopicRow topic = store.loadTopics().get(0);
        assertEquals("/orders", topic.name());
        assertTrue(topic.shared());
        assertEquals(List.of("billing", "shipping"),
                topic.subscriptions().stream().map(SubscriptionRow::subscriber).toList());
    }

    // ---- insert and fetch ------------------------------------------------------------------------------

    @Test
    void deliveriesComeHighestPriorityFirstThenInPublishOrder() {
        SubscriptionRow sub = subscribe("svc", "svc");
        // One insert per publish: within one insert (a group commit) the publishers were concurrent.
        String[] ids = { "a", "b", "c", "d", "e", "f" };
        int[] priorities = { 5, 9, 1, 9, 5, 1 };
        for (int i = 0; i < ids.length; i++) {
            insert(List.of(message(ids[i], priorities[i], 1_000 + i, sub)));
        }

        assertEquals(List.of("b", "d", "a", "e", "c", "f"), due(sub, 2_000, false));
        assertEquals(List.of("b", "d", "a", "e", "c", "f"), due(sub, 2_000, true));
        assertEquals(List.of("b", "d"), ids(store.fetchDue(sub.id(), 2_000, 0, 2, false)));
    }

    @Test
    void aFetchedDeliveryCarriesTheWholeMessage() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(new NewMessage("m-1", true, sub.topicId(), List.of(sub.id()), "{\"total\":12.5}",
                "text/plain", 7, "corr", "prev", "client-9", "shop", 1_000, 61_000)));

        DueDelivery d = store.fetchDue(sub.id(), 1_000, 0, 10, false).get(0);

        assertEquals(sub.id(), d.subscriptionId());
        assertEquals("PENDING", d.state());
        assertFalse(d.dead());
        assertEquals(0, d.attempts());
        assertEquals(1_000, d.nextAttemptAt());
        assertNull(d.lastError());
        assertEquals("m-1", d.msgId());
        assertEquals(sub.topicId(), d.topicId());
        assertEquals("{\"total\":12.5}", d.data());
        assertEquals("text/plain", d.mimeType());
        assertEquals(7, d.priority());
        assertEquals("corr", d.correlationId());
        assertEquals("prev", d.inReplyTo());
        assertEquals("client-9", d.extClientId());
        assertEquals("shop", d.publisher());
        assertEquals(1_000, d.publishedAt());
        assertEquals(61_000, d.expiresAt());
        assertFalse(d.expiredAt(60_999));
        assertTrue(d.expiredAt(61_000));
    }

    @Test
    void aMessageToASharedTopicHasOneDeliveryPerSubscription() {
        SubscriptionRow billing = subscribe("billing", "/orders");
        SubscriptionRow shipping = subscribe("shipping", "/orders");
        SubscriptionRow other = subscribe("audit", "audit");

        insert(List.of(message("o1", 5, 1_000, billing, shipping)));

        assertEquals(List.of("o1"), due(billing, 1_000, false));
        assertEquals(List.of("o1"), due(shipping, 1_000, false));
        assertEquals(List.of(), due(other, 1_000, false));
        assertEquals(1, db.countMessages());
    }

    @Test
    void unorderedFetchReturnsOnlyDueDeliveries() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 9, 1_000, sub)));
        insert(List.of(message("b", 5, 1_000, sub)));
        insert(List.of(message("later", 5, 3_000, sub)));
        complete(sub.id(), failed(only(sub, "a").deliveryId(), 1, 5_000, false, "boom"), 1_500);

        assertEquals(List.of("b"), due(sub, 2_000, false));
        assertEquals(List.of("b", "later"), due(sub, 3_000, false));
        assertEquals(List.of("a", "b", "later"), due(sub, 5_000, false));
    }

    @Test
    void orderedFetchReturnsTheHeadEvenWhenItIsNotDue() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 9, 1_000, sub), message("b", 5, 1_000, sub)));
        complete(sub.id(), failed(only(sub, "a").deliveryId(), 1, 5_000, false, "boom"), 1_500);

        List<DueDelivery> head = store.fetchDue(sub.id(), 2_000, 0, 100, true);

        assertEquals(List.of("a", "b"), ids(head));
        assertEquals(5_000, head.get(0).nextAttemptAt());
        assertEquals(1, head.get(0).attempts());
    }

    /** Stores a, b and c, attempted at 1,500: a to be retried at 9,000, b at 8,000, c dead. */
    private void threeAttemptedAt1500(SubscriptionRow sub) {
        for (String id : List.of("a", "b", "c")) {
            insert(List.of(message(id, 5, 1_000, sub)));
        }
        BatchOutcome o = new BatchOutcome();
        o.failed(new BatchOutcome.Failure(only(sub, "a").deliveryId(), 1, 9_000, false, "x"));
        o.failed(new BatchOutcome.Failure(only(sub, "b").deliveryId(), 1, 8_000, false, "x"));
        o.failed(new BatchOutcome.Failure(only(sub, "c").deliveryId(), 10, 1_500, true, "x"));
        complete(sub.id(), o, 1_500);
    }

    @Test
    void nextAttemptAtIsTheEarliestRetryAndIgnoresDeadLetters() {
        SubscriptionRow sub = subscribe("svc", "svc");
        assertEquals(Optional.empty(), store.nextAttemptAt(sub.id(), 2_000));
        threeAttemptedAt1500(sub);

        assertEquals(Optional.of(8_000L), store.nextAttemptAt(sub.id(), 2_000), "the dead delivery does not count");
        assertEquals(List.of(), due(sub, 2_000, false));
    }

    @Test
    void retriesLastAttemptedBeforeTheServiceRegisteredAreDueAtOnce() {
        SubscriptionRow sub = subscribe("svc", "svc");
        threeAttemptedAt1500(sub);

        assertEquals(List.of(), ids(store.fetchDue(sub.id(), 2_000, 1_500, 100, false)),
                "attempted when the service was already registered: the backoff holds");
        List<DueDelivery> due = store.fetchDue(sub.id(), 2_000, 1_600, 100, false);

        assertEquals(List.of("a", "b"), ids(due), "registered after the attempts: due now; the dead letter stays dead");
        assertTrue(due.stream().allMatch(d -> d.dueAt(2_000, 1_600)));
        assertFalse(due.get(0).dueAt(2_000, 1_500));
        assertEquals(1, store.queueCounts().get(sub.id()).dead());
    }

    // ---- complete --------------------------------------------------------------------------------------

    @Test
    void aDeliveredDeliveryIsDeletedWithItsMessage() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 5, 1_000, sub), message("b", 5, 1_000, sub)));

        complete(sub.id(), delivered(only(sub, "a")), 2_000);

        assertEquals(List.of("b"), due(sub, 2_000, false));
        assertEquals(List.of("b"), db.storedMsgIds());
        SubscriptionStats s = stats(sub);
        assertEquals(1, s.delivered());
        assertEquals(0, s.expired());
        assertEquals(2_000, s.lastDeliveryAt());
    }

    @Test
    void anExpiredDeliveryIsDeletedAndCounted() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", true, 5, 1_000, 1_500, sub)));

        complete(sub.id(), expired(only(sub, "a")), 2_000);

        assertEquals(List.of(), due(sub, 2_000, true));
        assertEquals(0, db.countMessages());
        assertEquals(0, stats(sub).delivered());
        assertEquals(1, stats(sub).expired());
    }

    @Test
    void aMessageOnASharedTopicStaysUntilEverySubscriptionIsDone() {
        SubscriptionRow billing = subscribe("billing", "/orders");
        SubscriptionRow shipping = subscribe("shipping", "/orders");
        insert(List.of(message("o1", 5, 1_000, billing, shipping)));

        complete(billing.id(), delivered(only(billing, "o1")), 2_000);

        assertEquals(1, db.countMessages(), "shipping has not had it yet");
        assertEquals(List.of(), due(billing, 2_000, false));
        DueDelivery forShipping = only(shipping, "o1");
        assertEquals("{\"id\":\"o1\"}", forShipping.data());

        complete(shipping.id(), expired(forShipping), 3_000);

        assertEquals(0, db.countMessages());
        assertEquals(1, stats(billing).delivered());
        assertEquals(0, stats(billing).expired());
        assertEquals(0, stats(shipping).delivered());
        assertEquals(1, stats(shipping).expired());
    }

    @Test
    void aFailureRecordsAttemptsNextAttemptAndError() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 5, 1_000, sub)));

        complete(sub.id(), failed(only(sub, "a").deliveryId(), 3, 9_000, false,
                "java.io.IOException: connection refused"), 1_500);

        DueDelivery d = only(sub, "a");
        assertEquals("PENDING", d.state());
        assertEquals(3, d.attempts());
        assertEquals(9_000, d.nextAttemptAt());
        assertEquals(1_500, d.lastAttemptAt());
        assertEquals("java.io.IOException: connection refused", d.lastError());
        assertEquals(1, db.countMessages());
        assertEquals(0, stats(sub).delivered());
        assertEquals(0, stats(sub).lastDeliveryAt(), "a failure is not a delivery");
    }

    @Test
    void longErrorsAreTruncatedTo2000Characters() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("long", 5, 1_000, sub), message("exact", 5, 1_000, sub)));
        BatchOutcome o = new BatchOutcome();
        o.failed(new BatchOutcome.Failure(only(sub, "long").deliveryId(), 1, 2_000, false, "e".repeat(10_000)));
        o.failed(new BatchOutcome.Failure(only(sub, "exact").deliveryId(), 1, 2_000, false, "x".repeat(2_000)));

        complete(sub.id(), o, 1_500);

        String truncated = only(sub, "long").lastError();
        assertEquals(2_000, truncated.length());
        assertEquals("e".repeat(1_999) + "…", truncated);
        assertEquals("x".repeat(2_000), only(sub, "exact").lastError());
    }

    @Test
    void aDeadDeliveryIsKeptButNoLongerFetched() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 9, 1_000, sub), message("b", 5, 1_000, sub)));

        complete(sub.id(), failed(only(sub, "a").deliveryId(), 10, 1_500, true, "gave up"), 1_500);

        assertEquals(List.of("b"), due(sub, 2_000, false));
        assertEquals(List.of("b"), due(sub, 2_000, true), "a dead letter does not block an ordered queue");
        List<DueDelivery> dead = store.browse(List.of(sub.id()), true, 0, 10);
        assertEquals(List.of("a"), ids(dead));
        assertEquals("DEAD", dead.get(0).state());
        assertTrue(dead.get(0).dead());
        assertEquals(10, dead.get(0).attempts());
        assertEquals("gave up", dead.get(0).lastError());
        assertEquals(2, db.countMessages(), "the dead letter's message is kept");
        assertEquals(new QueueCounts(1, 1), store.queueCounts().get(sub.id()));
    }

    @Test
    void retryingADeadLetterMakesItDueAgainWithFreshAttempts() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 5, 1_000, sub), message("b", 5, 1_000, sub), message("c", 5, 1_000, sub)));
        complete(sub.id(), failed(only(sub, "a").deliveryId(), 10, 1_500, true, "gave up"), 1_500);
        complete(sub.id(), failed(only(sub, "b").deliveryId(), 10, 1_500, true, "gave up"), 1_500);

        assertEquals(0, store.retryDead(List.of(sub.id()), "c", 2_000), "c is pending, not dead");
        assertEquals(1, store.retryDead(List.of(sub.id()), "a", 2_000));
        DueDelivery a = only(sub, "a");
        assertEquals("PENDING", a.state());
        assertEquals(0, a.attempts());
        assertEquals(2_000, a.nextAttemptAt());
        assertEquals("gave up", a.lastError(), "the last error stays until the next attempt");
        assertEquals(List.of("b"), ids(store.browse(List.of(sub.id()), true, 0, 10)));

        assertEquals(1, store.retryDead(List.of(sub.id()), null, 3_000));
        assertEquals(List.of(), store.browse(List.of(sub.id()), true, 0, 10));
        assertEquals(Set.of("a", "b", "c"), Set.copyOf(due(sub, 3_000, false)));
    }

    @Test
    void purgeDeletesOnlyTheChosenStateAndMessagesNoLongerNeeded() {
        SubscriptionRow one = subscribe("one", "/shared");
        SubscriptionRow two = subscribe("two", "/shared");
        insert(List.of(message("both", 5, 1_000, one, two), message("dying", 5, 1_000, one)));
        complete(one.id(), failed(only(one, "dying").deliveryId(), 10, 1_500, true, "gave up"), 1_500);

        assertEquals(1, store.purge(List.of(one.id()), false), "one pending delivery of 'one'");
        assertEquals(List.of("both"), due(two, 2_000, false), "the other subscriber keeps its copy");
        assertEquals(2, db.countMessages(), "'both' is still needed by 'two', 'dying' is a dead letter");

        assertEquals(1, store.purge(List.of(one.id()), true));
        assertEquals(1, db.countMessages(), "the dead letter's message is gone");
        assertEquals(1, store.purge(List.of(two.id()), false));
        assertEquals(0, db.countMessages());
    }

    @Test
    void oneOutcomeRecordsDeliveriesExpiriesAndFailuresTogether() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("ok", 5, 1_000, sub), message("old", 5, 1_000, sub), message("bad", 5, 1_000, sub),
                message("worse", 5, 1_000, sub)));
        BatchOutcome o = new BatchOutcome();
        o.delivered(only(sub, "ok"));
        o.expired(only(sub, "old"));
        o.failed(new BatchOutcome.Failure(only(sub, "bad").deliveryId(), 1, 3_000, false, "retry me"));
        o.failed(new BatchOutcome.Failure(only(sub, "worse").deliveryId(), 1, 2_000, true, "poison"));

        complete(sub.id(), o, 2_000);

        assertEquals(List.of("bad"), ids(store.browse(List.of(sub.id()), false, 0, 10)));
        assertEquals(List.of("worse"), ids(store.browse(List.of(sub.id()), true, 0, 10)));
        assertEquals(2, db.countMessages());
        assertEquals(1, stats(sub).delivered());
        assertEquals(1, stats(sub).expired());
        assertEquals(2_000, stats(sub).lastDeliveryAt());
    }

    @Test
    void anEmptyOutcomeChangesNothing() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 5, 1_000, sub)));

        complete(sub.id(), new BatchOutcome(), 2_000);

        assertEquals(List.of("a"), due(sub, 2_000, false));
        assertEquals(0, stats(sub).lastDeliveryAt());
    }

    // ---- duplicate ids ---------------------------------------------------------------------------------

    @Test
    void aCallerChosenIdAlreadyStoredIsRefusedAndNothingOfTheBatchIsStored() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(chosen("order-1", sub)));

        DuplicateMessageIdException e = assertThrows(DuplicateMessageIdException.class, () -> insert(
                List.of(message("fresh-1", 5, 2_000, sub), chosen("order-1", sub), message("fresh-2", 5, 2_000, sub))));

        assertEquals("order-1", e.msgId());
        assertTrue(e.getMessage().contains("order-1"), e.getMessage());
        assertEquals(1, db.countMessages());
        assertEquals(List.of("order-1"), due(sub, 5_000, false));
        assertEquals("order-1", facts("svc").lastMsgId(), "the topic's last message is unchanged");
    }

    /**
     * Another node's publish may store the same caller-chosen id between this store's check and its insert: the
     * database's unique constraint refuses it, and the store says which id is taken, as for one it found itself (a
     * message whose id was not chosen by its caller skips the check, which makes the race here). A caller-chosen id
     * goes in a message row whatever the topic, so one constraint covers them all; the id of a message kept in its
     * delivery's row has a unique index too.
     */
    @Test
    void anIdStoredBetweenTheCheckAndTheInsertIsRefusedAsTaken() {
        SubscriptionRow solo = subscribe("svc", "svc");
        SubscriptionRow a = subscribe("a", "/t");
        SubscriptionRow b = subscribe("b", "/t");
        insert(List.of(chosen("order-1", solo), message("kept-1", 5, 1_000, solo)));
        assertEquals(List.of("order-1"), db.query("SELECT MSGID FROM COURIER_MESSAGE").stream().map(r -> r.get(0))
                .toList(), "a caller-chosen id has a message row, even for one subscription");

        DuplicateMessageIdException e = assertThrows(DuplicateMessageIdException.class, () -> insert(
                List.of(message("fresh-1", 5, 2_000, solo), message("order-1", 5, 2_000, a, b))));
        assertEquals("order-1", e.msgId());
        assertEquals("kept-1", assertThrows(DuplicateMessageIdException.class,
                () -> insert(List.of(message("kept-1", 5, 2_000, solo)))).msgId());
        assertEquals("kept-1", assertThrows(DuplicateMessageIdException.class,
                () -> insert(List.of(message("fresh-2", 5, 2_000, solo), message("kept-1", 5, 2_000, solo),
                        message("fresh-3", 5, 2_000, solo)))).msgId(), "a taken id among others of one insert");

        assertEquals(2, db.countMessages(), "nothing of the refused batches is stored");
        insert(List.of(message("fresh-1", 5, 2_000, solo)));
        assertEquals(List.of("order-1", "kept-1", "fresh-1"), due(solo, 5_000, false), "the store goes on");
    }

    /**
     * Two nodes acknowledge the two deliveries of each of a shared topic's messages at the same moment, one message
     * per commit: whichever commits last finds no delivery left and deletes the message's row, so none is left
     * behind. (PostgreSQL left 127 of the 200 rows without the lock the store takes; HSQLDB serializes these
     * transactions by itself.)
     */
    @Test
    void aSharedMessageAcknowledgedOnTwoNodesAtOnceLeavesNoRowBehind() throws Exception {
        SubscriptionRow x = subscribe("x", "/t");
        SubscriptionRow y = subscribe("y", "/t");
        insert(IntStream.range(0, 200).mapToObj(i -> message("m" + i, 5, 1_000, x, y)).toList());
        try (TestDatabase otherNode = TestDatabase.reopen(db)) {
            Store other = otherNode.newStore();
            List<DueDelivery> forX = store.fetchDue(x.id(), 2_000, 0, 200, false);
            List<DueDelivery> forY = other.fetchDue(y.id(), 2_000, 0, 200, false); // each node what it fetched
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = nodes.submit(() -> acknowledgeOneByOne(store, x, forX, together));
                Future<?> b = nodes.submit(() -> acknowledgeOneByOne(other, y, forY, together));
                a.get(60, TimeUnit.SECONDS);
                b.get(60, TimeUnit.SECONDS);
            } finally {
                nodes.shutdownNow();
            }
            assertEquals(List.of(), db.storedMsgIds(), "rows of messages whose deliveries were all acknowledged");
        }
    }

    private static Void acknowledgeOneByOne(Store node, SubscriptionRow sub, List<DueDelivery> deliveries,
            CyclicBarrier together) throws Exception {
        for (DueDelivery d : deliveries) {
            together.await(10, TimeUnit.SECONDS);
            node.write(List.of(), List.of(new Acknowledgement(sub.id(), delivered(d), 2_000)));
        }
        return null;
    }

    /**
     * A message for one subscription is kept in its delivery's row, a shared topic's in a row of its own: one
     * namespace of ids all the same, and each read the same way.
     */
    @Test
    void anIdIsTakenWhereverItsMessageIsKept() {
        SubscriptionRow solo = subscribe("svc", "svc");
        SubscriptionRow a = subscribe("a", "/t");
        SubscriptionRow b = subscribe("b", "/t");
        insert(List.of(message("in-delivery", 5, 1_000, solo), chosen("own-row", a, b)));
        assertEquals("1", db.value("SELECT COUNT(*) FROM COURIER_MESSAGE"),
                "only the shared topic's message has a row");

        assertEquals("in-delivery", assertThrows(DuplicateMessageIdException.class,
                () -> insert(List.of(chosen("in-delivery", a, b)))).msgId());
        assertEquals("own-row", assertThrows(DuplicateMessageIdException.class,
                () -> insert(List.of(chosen("own-row", solo)))).msgId());
        assertEquals(List.of("in-delivery", "own-row"), db.storedMsgIds());

        DueDelivery kept = store.deliveriesOf("in-delivery").get(0);
        assertEquals(List.of(solo.id(), "{\"id\":\"in-delivery\"}", "corr-" + "in-delivery".hashCode(),
                "publisher-svc"), List.of(kept.subscriptionId(), kept.data(), kept.correlationId(), kept.publisher()));
        assertEquals(List.of(a.id(), b.id()), store.deliveriesOf("own-row").stream().map(DueDelivery::subscriptionId)
                .toList());
        assertEquals(List.of(kept), store.browse(List.of(solo.id()), false, 0, 10), "browsing reads it the same");
    }

    @Test
    void aCallerChosenIdTwiceInOneBatchIsRefusedAndNothingIsStored() {
        SubscriptionRow sub = subscribe("svc", "svc");

        DuplicateMessageIdException e = assertThrows(DuplicateMessageIdException.class, () -> insert(
                List.of(chosen("twin", sub), message("other", 5, 1_000, sub), chosen("twin", sub))));

        assertEquals("twin", e.msgId());
        assertEquals(0, db.countMessages());
        assertEquals(List.of(), due(sub, 5_000, true));
        assertEquals(QueueCounts.EMPTY, store.queueCounts().getOrDefault(sub.id(), QueueCounts.EMPTY));
        assertNull(facts("svc").lastMsgId());
    }

    @Test
    void aFreeCallerChosenIdIsStored() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(chosen("order-1", sub), chosen("order-2", sub)));
        insert(List.of(chosen("order-3", sub)));
        assertEquals(Set.of("order-1", "order-2", "order-3"), Set.copyOf(due(sub, 5_000, false)));
        assertEquals(3, db.countMessages());
    }

    @Test
    void aCallerChosenIdOfTheLongestAllowedLengthIsStored() {
        SubscriptionRow sub = subscribe("svc", "svc");
        String longest = "m".repeat(PublishOptions.MAX_ID_LENGTH);

        insert(List.of(chosen(longest, sub)));

        assertEquals(List.of(longest), due(sub, 5_000, false));
        assertEquals(longest, facts("svc").lastMsgId());
    }

    // ---- what people see -------------------------------------------------------------------------------

    @Test
    void insertRecordsEachTopicsLastMessage() {
        SubscriptionRow a = subscribe("svc-a", "svc-a");
        SubscriptionRow b = subscribe("svc-b", "svc-b");
        String bigData = "{\"text\":\"" + "z".repeat(300) + "\"}";
        insert(List.of(message("a1", 5, 1_000, a),
                new NewMessage("a2", false, a.topicId(), List.of(a.id()), bigData, "application/json", 5, "c", null,
                        null, null, 1_001, 0),
                message("b1", 5, 1_002, b)));

        TopicFacts fa = facts("svc-a");
        assertEquals("a2", fa.lastMsgId());
        assertEquals(1_001, fa.lastMsgAt());
        assertEquals(200, fa.lastPreview().length());
        assertEquals(bigData.substring(0, 199) + "…", fa.lastPreview());
        TopicFacts fb = facts("svc-b");
        assertEquals("b1", fb.lastMsgId());
        assertEquals("{\"id\":\"b1\"}", fb.lastPreview());
    }

    @Test
    void countsAndLastMessagesReachTheirRowsAtAFlushAndShowBeforeIt() {
        SubscriptionRow sub = subscribe("svc", "svc");
        insert(List.of(message("a", 5, 1_000, sub), message("b", 5, 1_001, sub)));
        complete(sub.id(), delivered(only(sub, "a")), 2_000);

        String row = "SELECT s.DELIVERED || ',' || COALESCE(s.LASTDELIVERYAT, 0) || ',' || COALESCE(t.LASTMSGID, '-')"
                + " FROM COURIER_SUBSCRIPTION s JOIN COURIER_TOPIC t ON t.ID = s.TOPICID WHERE s.ID = " + sub.id();
        assertEquals("0,0,-", db.value(row), "nothing written to the rows before a flush");
        assertEquals(1, stats(sub).delivered(), "the views count what is not flushed yet");
        assertEquals("b", facts("svc").lastMsgId());

        store.flushTallies(true);
        assertEquals("1,2000,b", db.value(row));
        assertEquals(1, stats(sub).delivered(), "counted once, not once in the row and once in memory");

        complete(sub.id(), delivered(only(sub, "b")), 3_000);
        store.flushTallies(true);
        store.flushTallies(true); // nothing gathered: writes nothing
        assertEquals("2,3000,b", db.value(row), "the counts add up");

        db.execute("UPDATE COURIER_TOPIC SET LASTMSGID = 'newer', LASTMSGAT = 9000 WHERE ID = " + sub.topicId());
        insert(List.of(message("c", 5, 4_000, sub)));
        assertEquals("newer", facts("svc").lastMsgId(), "a newer last message in the row (another writer's) wins");
        store.flushTallies(true);
        assertEquals("newer", facts("svc").lastMsgId());
    }

    @Test
    void queueCountsAndBrowseTellPendingFromDead() {
        SubscriptionRow one = subscribe("one", "one");
        SubscriptionRow two = subscribe("two", "two");
        SubscriptionRow idle = subscribe("idle", "idle");
        for (int i = 1; i <= 5; i++) {
            insert(List.of(message("one-" + i, i == 4 ? 9 : 5, 1_000 + i, one)));
        }
        insert(List.of(message("two-1", 5, 1_000, two)));
        BatchOutcome o = new BatchOutcome();
        o.failed(new BatchOutcome.Failure(only(one, "one-2").deliveryId(), 3, 2_000, true, "dead"));
        o.failed(new BatchOutcome.Failure(only(one, "one-5").deliveryId(), 3, 2_000, true, "dead"));
        complete(one.id(), o, 2_000);

        Map<Long, QueueCounts> counts = store.queueCounts();
        assertEquals(new QueueCounts(3, 2), counts.get(one.id()));
        assertEquals(new QueueCounts(1, 0), counts.get(two.id()));
        assertFalse(counts.containsKey(idle.id()));

        assertEquals(List.of("one-4", "one-1", "one-3"), ids(store.browse(List.of(one.id()), false, 0, 10)));
        assertEquals(List.of("one-2", "one-5"), ids(store.browse(List.of(one.id()), true, 0, 10)));
        assertEquals(List.of("one-4", "one-1", "one-3", "two-1"),
                ids(store.browse(List.of(one.id(), two.id()), false, 0, 10)));
        assertEquals(List.of("two-1"), ids(store.browse(List.of(two.id()), false, 0, 10)));
        assertEquals(List.of(), ids(store.browse(List.of(two.id()), true, 0, 10)));
        assertEquals(List.of(), store.browse(List.of(), false, 0, 10));
    }

    @Test
    void queueCountsKeptInMemoryAfterTheFirstCountMatchAFreshCountAfterEveryKindOfChange() {
        SubscriptionRow a = subscribe("a", "/shared");
        SubscriptionRow b = subscribe("b", "/shared");
        SubscriptionRow c = subscribe("c", "c");
        insert(List.of(message("before", 5, 1_000, a, b)));
        assertEquals(new QueueCounts(1, 0), store.queueCounts().get(a.id()), "the first count reads the table");

        insert(List.of(message("s1", 5, 1_001, a, b), message("s2", 5, 1_002, a, b), message("s3", 5, 1_003, a, b),
                message("c1", 5, 1_004, c), message("c2", 5, 1_005, c), message("c3", 5, 1_006, c)));
        complete(a.id(), delivered(only(a, "before")), 2_000);
        complete(b.id(), expired(only(b, "before")), 2_000);
        complete(a.id(), failed(only(a, "s1").deliveryId(), 3, 2_000, true, "dead"), 2_000);
        complete(a.id(), failed(only(a, "s2").deliveryId(), 3, 2_000, true, "dead"), 2_000);
        complete(b.id(), failed(only(b, "s1").deliveryId(), 1, 9_000, false, "again later"), 2_000);
        long c1 = only(c, "c1").deliveryId();
        complete(c.id(), failed(c1, 3, 2_000, true, "dead"), 2_000);
        complete(c.id(), failed(c1, 3, 2_000, true, "dead"), 2_000); // recorded twice: dead once
        complete(c.id(), failed(c1, 1, 9_000, false, "again later"), 2_000); // a dead letter stays dead
        assertEquals(new QueueCounts(1, 2), store.queueCounts().get(a.id()));
        assertEquals(new QueueCounts(3, 0), store.queueCounts().get(b.id()));
        assertEquals(new QueueCounts(2, 1), store.queueCounts().get(c.id()));

        assertEquals(1, store.retryDead(List.of(a.id(), b.id()), "s1", 3_000));
        assertEquals(new QueueCounts(2, 1), store.queueCounts().get(a.id()));
        DueDelivery c2 = only(c, "c2");
        DueDelivery c3 = only(c, "c3");
        assertEquals(2, store.purge(List.of(c.id()), false));
        complete(c.id(), delivered(c2), 3_000); // its delivery was purged meanwhile: nothing left to take
        complete(c.id(), failed(c3.deliveryId(), 3, 3_000, true, "dead"), 3_000); // nor to make dead
        assertEquals(new QueueCounts(0, 1), store.queueCounts().get(c.id()));
        assertEquals(1, store.retryDead(List.of(a.id()), null, 3_000));
        assertEquals(1, store.purge(List.of(c.id()), true));

        Map<Long, QueueCounts> kept = store.queueCounts();
        assertEquals(new QueueCounts(3, 0), kept.get(a.id()));
        assertEquals(new QueueCounts(3, 0), kept.get(b.id()));
        assertEquals(QueueCounts.EMPTY, kept.getOrDefault(c.id(), QueueCounts.EMPTY));
        Map<Long, QueueCounts> fresh = new HashMap<>();
        for (List<String> row : db.query("SELECT SUBSCRIPTIONID, STATE, COUNT(*) FROM COURIER_DELIVERY"
                + " GROUP BY SUBSCRIPTIONID, STATE")) {
            long n = Long.parseLong(row.get(2));
            fresh.merge(Long.valueOf(row.get(0)), DeliveryEntity.DEAD.equals(row.get(1)) ? new QueueCounts(0, n)
                    : new QueueCounts(n, 0), QueueCounts::plus);
        }
        for (SubscriptionRow sub : List.of(a, b, c)) {
            assertEquals(fresh.getOrDefault(sub.id(), QueueCounts.EMPTY), kept.getOrDefault(sub.id(), QueueCounts.EMPTY),
                    "subscription " + sub.subscriber());
        }
    }

    @Test
    void browsePagesWithOffsetAndLimit() {
        SubscriptionRow sub = subscribe("svc", "svc");
        for (int i = 0; i < 7; i++) {
            insert(List.of(message("m" + i, 5, 1_000 + i, sub)));
        }

        assertEquals(List.of("m0", "m1", "m2"), ids(store.browse(List.of(sub.id()), false, 0, 3)));
        assertEquals(List.of("m3", "m4", "m5"), ids(store.browse(List.of(sub.id()), false, 3, 3)));
        assertEquals(List.of("m6"), ids(store.browse(List.of(sub.id()), false, 6, 3)));
        assertEquals(List.of(), ids(store.browse(List.of(sub.id()), false, 7, 3)));
        assertEquals(7, store.browse(List.of(sub.id()), false, 0, 100).size());
        assertEquals(7, db.countMessages(), "browsing does not consume");
    }

    // ---- nodes -----------------------------------------------------------------------------------------

    private static final long LEASE_MS = 10_000;

    private static NodeBeat beat(String name, String incarnation, int inFlight, String... services) {
        return new NodeBeat(name, incarnation, "host-" + name + ":8181", List.of(services), inFlight, null);
    }

    private NodeRow node(String name) {
        return store.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for node " + name + " in " + store.nodes()));
    }

    @Test
    void aNodesHeartbeatShowsItLiveWithItsServicesAndWorkInHand() {
        assertEquals(Optional.empty(), store.beat(beat("a", "a-1", 0), LEASE_MS));
        assertEquals(Optional.empty(), store.beat(beat("b", "b-1", 7, "orders", "billing"), LEASE_MS));
        assertEquals(Optional.empty(), store.beat(beat("a", "a-1", 3, "orders"), LEASE_MS));

        assertEquals(List.of("a", "b"), store.nodes().stream().map(NodeRow::name).toList());
        NodeRow a = node("a");
        assertEquals(List.of("orders"), a.services());
        assertEquals(3, a.inFlight());
        assertEquals("host-a:8181", a.address());
        assertTrue(a.liveWithin(LEASE_MS), a.toString());
        assertTrue(a.heartbeatAt() >= a.startedAt(), a.toString());
        assertEquals(List.of("orders", "billing"), node("b").services());
        assertEquals(7, node("b").inFlight());
    }

    @Test
    void aNameHeldByALiveNodeIsRefusedToAnotherAndFreedWhenItStopsOrFallsSilent() {
        store.beat(beat("a", "first", 1), LEASE_MS);

        Optional<NodeRow> holder = store.beat(beat("a", "second", 2), LEASE_MS);
        assertEquals("first", holder.map(NodeRow::incarnation).orElse(null), "the name is held by the live node");
        assertEquals("first", node("a").incarnation(), "the second node wrote nothing");
        assertEquals(1, node("a").inFlight());

        store.leave("a", "first");
        assertFalse(node("a").liveWithin(LEASE_MS), "a node that stopped is not live");
        assertEquals(Optional.empty(), store.beat(beat("a", "second", 2), LEASE_MS), "a stopped node's name is free");
        assertEquals("second", node("a").incarnation());
        assertTrue(node("a").liveWithin(LEASE_MS));

        // silent past the lease (a lease of 0 ms: any heartbeat is older), the name goes to the next start
        assertEquals(Optional.empty(), store.beat(beat("a", "third", 0), 0));
        assertEquals("third", node("a").incarnation());
        assertEquals("third", store.beat(beat("a", "second", 2), LEASE_MS).map(NodeRow::incarnation).orElse(null),
                "the silent node, back, learns that its name was taken over");
    }

    @Test
    void aNodesFiguresStayAsItsLastBeatThatCarriedThemWroteThemAndGoWithItsIncarnation() {
        store.beat(new NodeBeat("a", "a-1", "host-a:8181", List.of(), 0, "{\"figures\":1}"), LEASE_MS);
        assertEquals("{\"figures\":1}", node("a").stats());

        store.beat(beat("a", "a-1", 0), LEASE_MS);
        assertEquals("{\"figures\":1}", node("a").stats(), "a beat without figures keeps the last ones");

        store.beat(new NodeBeat("a", "a-1", "host-a:8181", List.of(), 0, "{\"figures\":2}"), LEASE_MS);
        assertEquals("{\"figures\":2}", node("a").stats());

        store.leave("a", "a-1");
        store.beat(beat("a", "a-2", 0), LEASE_MS);
        assertNull(node("a").stats(), "the next start of the node counts from nothing");
    }

    @Test
    void nodesSilentForAWeekAreForgotten() {
        store.beat(beat("old", "o-1", 0), LEASE_MS);
        store.beat(beat("live", "l-1", 0), LEASE_MS);
        db.execute("UPDATE COURIER_NODE SET HEARTBEATAT = HEARTBEATAT - " + (NodeStatements.FORGET_AFTER_MS + 60_000)
                + " WHERE NAME = 'old'");

        store.beat(beat("new", "n-1", 0), LEASE_MS);

        assertEquals(List.of("live", "new"), store.nodes().stream().map(NodeRow::name).toList());
    }
}
