package io.courier.core.internal;

import static io.courier.core.internal.Harness.await;
import static io.courier.core.internal.Harness.block;
import static io.courier.core.internal.Harness.get;
import static io.courier.core.internal.Harness.millisSince;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.courier.api.FanInResult;
import io.courier.api.FanOut;
import io.courier.api.FanOutOptions;
import io.courier.api.InvocationResult;
import io.courier.api.Patterns;
import io.courier.api.Request;
import io.courier.api.ServiceNotFoundException;

/** fanOut and parallel: one result per target, in the order given, timeouts, callbacks. */
class FanOutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final Harness h = new Harness(4, 100);
    private final Patterns patterns = h.courier.patterns();

    private final IllegalStateException badError = new IllegalStateException("bad target");
    private final CountDownLatch slowGate = h.gate();
    private final CountDownLatch slowAnswered = new CountDownLatch(1);
    private final AtomicInteger okCalls = new AtomicInteger();
    private final AtomicInteger badCalls = new AtomicInteger();
    private final AtomicInteger slowCalls = new AtomicInteger();
    private final List<InvocationResult> perTarget = new CopyOnWriteArrayList<>();
    private final List<Request> completionServiceRequests = new CopyOnWriteArrayList<>();
    private final List<Request> perTargetServiceRequests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void services() {
        h.register("ok", (request, ctx) -> {
            okCalls.incrementAndGet();
            return "ok:" + request.payload();
        });
        h.register("bad", (request, ctx) -> {
            badCalls.incrementAndGet();
            throw badError;
        });
        h.register("slow", (request, ctx) -> {
            slowCalls.incrementAndGet();
            try {
                block(slowGate);
                return "slow:" + request.payload();
            } finally {
                slowAnswered.countDown();
            }
        });
        h.register("on-complete", (request, ctx) -> {
            completionServiceRequests.add(request);
            return null;
        });
        h.register("on-target", (request, ctx) -> {
            perTargetServiceRequests.add(request);
            return null;
        });
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** The targets in an order that is neither alphabetical nor the order in which they finish. */
    private static Map<String, Object> threeTargets() {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("slow", 1);
        targets.put("ok", 2);
        targets.put("bad", 3);
        return targets;
    }

    private static void assertOkBadTimedOut(String id, FanInResult fanIn) {
        assertEquals(id, fanIn.id());
        assertEquals(List.of("slow", "ok", "bad"), new ArrayList<>(fanIn.results().keySet()));
        assertFalse(fanIn.allSucceeded());

        InvocationResult slow = fanIn.results().get("slow");
        assertTrue(slow.timedOut(), "slow: " + slow);
        assertNull(slow.response());
        assertNull(slow.error());
        assertFalse(slow.succeeded());
        assertEquals(Optional.of("timed out"), slow.errorText());

        InvocationResult ok = fanIn.results().get("ok");
        assertTrue(ok.succeeded(), "ok: " + ok);
        assertEquals("ok:2", ok.response());

        InvocationResult bad = fanIn.results().get("bad");
        assertFalse(bad.succeeded());
        assertFalse(bad.timedOut());
        assertInstanceOf(IllegalStateException.class, bad.error());
        assertEquals("bad target", bad.error().getMessage());

        fanIn.results().forEach((name, r) -> {
            assertEquals(name, r.service());
            assertEquals(id, r.invocationId(), "the per-target results share the fan-out's id");
        });
    }

    @Test
    void aFanOutReportsAnswerErrorAndTimeoutPerTargetInTheOrderGiven() throws Exception {
        CompletableFuture<FanInResult> onComplete = new CompletableFuture<>();
        FanOutOptions options = FanOutOptions.builder()
                .timeout(TIMEOUT)
                .onTarget(perTarget::add)
                .onComplete(onComplete::complete)
                .onCompleteService("on-complete")
                .onTargetService("on-target")
                .build();

        long start = System.nanoTime();
        FanOut fanOut = patterns.fanOut(threeTargets(), options);
        FanInResult result = get(fanOut.completion());
        long elapsed = millisSince(start);

        assertOkBadTimedOut(fanOut.id(), result);
        assertTrue(elapsed >= TIMEOUT.toMillis() - 10, "completed after " + elapsed + " ms, before the timeout");
        assertTrue(elapsed < 3_000, "completed after " + elapsed + " ms for a " + TIMEOUT.toMillis() + " ms timeout");

        assertOkBadTimedOut(fanOut.id(), get(onComplete));

        assertEquals(1, completionServiceRequests.size());
        Request completion = completionServiceRequests.get(0);
        assertEquals(Optional.of(fanOut.id()), completion.inReplyTo());
        assertOkBadTimedOut(fanOut.id(), assertInstanceOf(FanInResult.class, completion.payload()));

        // one per-target callback for each target, the timed-out one included
        assertEquals(3, perTarget.size(), "per-target results " + perTarget);
        Map<String, InvocationResult> byTarget = perTarget.stream()
                .collect(Collectors.toMap(InvocationResult::service, r -> r));
        assertEquals(result.results(), byTarget);

        assertEquals(3, perTargetServiceRequests.size());
        perTargetServiceRequests.forEach(r -> assertEquals(Optional.of(fanOut.id()), r.inReplyTo()));
        assertEquals(result.results().values().stream().collect(Collectors.toSet()),
                perTargetServiceRequests.stream().map(Request::payload).collect(Collectors.toSet()));

        // the slow target's late answer changes nothing
        slowGate.countDown();
        await(slowAnswered, "the slow target to answer");
        h.drainPool();
        assertEquals(3, perTarget.size(), "per-target results after the late answer " + perTarget);
        assertEquals(3, perTargetServiceRequests.size());
        assertEquals(1, completionServiceRequests.size());
        assertOkBadTimedOut(fanOut.id(), get(fanOut.completion()));
        assertEquals(1, okCalls.get());
        assertEquals(1, badCalls.get());
        assertEquals(1, slowCalls.get());
    }

    @Test
    void withoutATimeoutTheCompletionWaitsForEveryTarget() throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("slow", "a");
        targets.put("ok", "b");
        CountDownLatch okArrived = new CountDownLatch(1);
        FanOut fanOut = patterns.fanOut(targets, FanOutOptions.builder().onTarget(r -> {
            perTarget.add(r);
            if (r.service().equals("ok")) {
                okArrived.countDown();
            }
        }).build());

        await(okArrived, "the fast target's result");
        assertFalse(fanOut.completion().toCompletableFuture().isDone(), "completed before the slow target answered");

        slowGate.countDown();
        FanInResult result = get(fanOut.completion());
        assertTrue(result.allSucceeded(), result.toString());
        assertEquals(List.of("slow", "ok"), new ArrayList<>(result.results().keySet()));
        assertEquals("slow:a", result.results().get("slow").response());
        assertEquals("ok:b", result.results().get("ok").response());
        assertEquals(2, perTarget.size());
    }

    @Test
    void theCallerCannotCompleteAFanOutInCouriersPlace() throws Exception {
        CompletableFuture<FanInResult> onComplete = new CompletableFuture<>();
        FanOut fanOut = patterns.fanOut(Map.of("slow", 1), FanOutOptions.builder().onComplete(onComplete::complete).build());

        FanInResult forged = new FanInResult("forged", Map.of());
        fanOut.completion().toCompletableFuture().complete(forged);
        if (fanOut.completion() instanceof CompletableFuture<FanInResult> future) {
            assertThrows(UnsupportedOperationException.class, () -> future.complete(forged));
        }
        assertFalse(fanOut.completion().toCompletableFuture().isDone(), "completed before the slow target answered");

        slowGate.countDown();
        assertEquals("slow:1", get(fanOut.completion()).results().get("slow").response());
        assertEquals(fanOut.id(), get(onComplete).id());
    }

    @Test
    void aFanOutWhoseTargetsAllAnswerInTimeCompletesWithoutWaitingForTheTimeout() throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("ok", 1);
        targets.put("bad", 2);

        long start = System.nanoTime();
        FanInResult result = get(patterns.fanOut(targets,
                FanOutOptions.builder().timeout(Duration.ofSeconds(10)).onTarget(perTarget::add).build()).completion());

        assertTrue(millisSince(start) < 5_000, "waited " + millisSince(start) + " ms");
        assertTrue(result.results().get("ok").succeeded());
        assertSame(badError, result.results().get("bad").error());
        assertEquals(2, perTarget.size());
    }

    @Test
    void anUnknownTargetFailsTheFanOutAndInvokesNothing() throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("ok", 1);
        targets.put("ghost", 2);
        targets.put("bad", 3);
        CompletableFuture<FanInResult> onComplete = new CompletableFuture<>();

        ServiceNotFoundException e = assertThrows(ServiceNotFoundException.class,
                () -> patterns.fanOut(targets, FanOutOptions.builder().onTarget(perTarget::add)
                        .onComplete(onComplete::complete).onCompleteService("on-complete").build()));
        assertEquals("ghost", e.serviceName());

        h.drainPool();
        assertEquals(0, okCalls.get());
        assertEquals(0, badCalls.get());
        assertTrue(perTarget.isEmpty());
        assertFalse(onComplete.isDone());
        assertTrue(completionServiceRequests.isEmpty());
    }

    @Test
    void aFanOutThePoolCannotTakeNeverLeavesTheCallerWaiting() throws Exception {
        try (Harness small = new Harness(1, 1)) {
            CountDownLatch gate = small.gate();
            CountDownLatch busy = new CountDownLatch(1);
            small.register("blocker", (request, ctx) -> {
                busy.countDown();
                block(gate);
                return null;
            });
            small.register("ok", (request, ctx) -> "ok");
            small.courier.invokeAsync("blocker", 1); // occupies the only thread
            await(busy, "the pool's thread to be busy");
            small.courier.invokeAsync("blocker", 2); // fills the queue

            Map<String, Object> targets = new LinkedHashMap<>();
            targets.put("ok", 1);
            FanOut fanOut;
            try {
                fanOut = small.courier.patterns().fanOut(targets, FanOutOptions.builder().onTarget(perTarget::add).build());
            } catch (io.courier.api.RejectedInvocationException documented) {
                return; // as Patterns#fanOut documents
            }
            // or, as implemented: the completion reports the target as rejected, at once
            FanInResult result = get(fanOut.completion());
            assertInstanceOf(io.courier.api.RejectedInvocationException.class, result.results().get("ok").error());
            assertEquals(1, perTarget.size());
        }
    }

    @Test
    void aSlowCompletionServiceDoesNotDelayAnotherFanOutsTimeout() throws Exception {
        CountDownLatch completionGate = h.gate();
        CountDownLatch completionStarted = new CountDownLatch(1);
        h.register("slow-completion", (request, ctx) -> {
            completionStarted.countDown();
            block(completionGate);
            return null;
        });
        patterns.fanOut(Map.of("slow", 1),
                FanOutOptions.builder().timeout(Duration.ofMillis(100)).onCompleteService("slow-completion").build());
        await(completionStarted, "the first fan-out's completion service");

        long start = System.nanoTime();
        FanOut second = patterns.fanOut(Map.of("slow", 2), FanOutOptions.builder().timeout(Duration.ofMillis(100)).build());
        FanInResult result = second.completion().toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);

        assertTrue(result.results().get("slow").timedOut());
        assertTrue(millisSince(start) < 1_000, "the 100 ms timeout came after " + millisSince(start) + " ms");
    }

    // ---- parallel -----------------------------------------------------------------------------------------

    @Test
    void parallelHandsEachTargetsResultToTheCallbacks() throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("ok", 1);
        targets.put("bad", 2);

        String id = patterns.parallel(targets,
                FanOutOptions.builder().onTarget(perTarget::add).onTargetService("on-target").build());

        await().atMost(Duration.ofSeconds(Harness.WAIT_SECONDS))
                .until(() -> perTarget.size() == 2 && perTargetServiceRequests.size() == 2);
        Map<String, InvocationResult> byTarget = perTarget.stream()
                .collect(Collectors.toMap(InvocationResult::service, r -> r));
        assertEquals("ok:1", byTarget.get("ok").response());
        assertSame(badError, byTarget.get("bad").error());
        perTarget.forEach(r -> assertEquals(id, r.invocationId()));
        perTargetServiceRequests.forEach(r -> assertEquals(Optional.of(id), r.inReplyTo()));
        assertEquals(perTarget.stream().collect(Collectors.toSet()),
                perTargetServiceRequests.stream().map(Request::payload).collect(Collectors.toSet()));
    }

    @Test
    void parallelRefusesCompletionCallbacksAndInvokesNothing() throws Exception {
        Map<String, Object> targets = Map.of("ok", 1);

        assertThrows(IllegalArgumentException.class, () -> patterns.parallel(targets,
                FanOutOptions.builder().onComplete(r -> { }).build()));
        assertThrows(IllegalArgumentException.class, () -> patterns.parallel(targets,
                FanOutOptions.builder().onCompleteService("on-complete").build()));

        h.drainPool();
        assertEquals(0, okCalls.get());
    }

    @Test
    void parallelWithAnUnknownTargetInvokesNothing() throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("ok", 1);
        targets.put("ghost", 2);

        ServiceNotFoundException e = assertThrows(ServiceNotFoundException.class,
                () -> patterns.parallel(targets, FanOutOptions.builder().onTarget(perTarget::add).build()));
        assertEquals("ghost", e.serviceName());

        h.drainPool();
        assertEquals(0, okCalls.get());
        assertTrue(perTarget.isEmpty());
    }
}
