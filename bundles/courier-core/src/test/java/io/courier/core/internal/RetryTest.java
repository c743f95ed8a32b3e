package io.courier.core.internal;

import static io.courier.core.internal.Harness.block;
import static io.courier.core.internal.Harness.get;
import static io.courier.core.internal.Harness.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.InvocationException;
import io.courier.api.InvocationResult;
import io.courier.api.Patterns;
import io.courier.api.Request;
import io.courier.api.RetryOptions;
import io.courier.api.Service;

/** invokeRetry and invokeRetryAsync: attempts, which errors are retried, the interval. */
class RetryTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private final Harness h = new Harness();
    private final Patterns patterns = h.courier.patterns();

    /** Calls, their start times and what each threw. */
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Long> callTimes = new CopyOnWriteArrayList<>();
    private final List<Exception> thrown = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        h.close();
    }

    private static RetryOptions.Builder fast() {
        return RetryOptions.builder().interval(INTERVAL);
    }

    /** Fails its first {@code failures} calls with an IllegalStateException naming the attempt, then answers. */
    private Service failing(int failures) {
        return (request, ctx) -> {
            int n = calls.incrementAndGet();
            callTimes.add(System.nanoTime());
            if (n <= failures) {
                IllegalStateException e = new IllegalStateException("attempt " + n + " failed");
                thrown.add(e);
                throw e;
            }
            return "ok after " + n + " calls with " + request.payload();
        };
    }

    @Test
    void aServiceFailingTwiceSucceedsOnTheThirdCallAndIsNotCalledAgain() {
        h.register("flaky", failing(2));

        assertEquals("ok after 3 calls with order", patterns.invokeRetry("flaky", "order", fast().build()));
        assertEquals(3, calls.get());
    }

    @Test
    void theIntervalIsWaitedBetweenAttempts() {
        h.register("flaky", failing(2));

        long start = System.nanoTime();
        patterns.invokeRetry("flaky", null, fast().build());
        long elapsed = millisSince(start);

        assertEquals(3, callTimes.size());
        assertTrue(elapsed >= 2 * INTERVAL.toMillis(), "3 calls took only " + elapsed + " ms");
        for (int i = 1; i < callTimes.size(); i++) {
            long gap = Duration.ofNanos(callTimes.get(i) - callTimes.get(i - 1)).toMillis();
            assertTrue(gap >= INTERVAL.toMillis() - 1, "only " + gap + " ms between attempts " + i + " and " + (i + 1));
        }
    }

    @Test
    void theWaitGrowsWithTheMultiplier() {
        h.register("flaky", failing(2));

        patterns.invokeRetry("flaky", null, fast().multiplier(3).build());

        long second = Duration.ofNanos(callTimes.get(2) - callTimes.get(1)).toMillis();
        assertTrue(second >= 3 * INTERVAL.toMillis() - 1, "only " + second + " ms before the third attempt");
    }

    @Test
    void whenTheAttemptsRunOutTheLastErrorIsThrown() {
        h.register("flaky", failing(2));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> patterns.invokeRetry("flaky", null, fast().attempts(2).build()));

        assertEquals("attempt 2 failed", e.getMessage());
        assertSame(thrown.get(1), e);
        assertEquals(2, calls.get());
    }

    @Test
    void anErrorNotInRetryOnIsThrownAfterOneCall() {
        IllegalArgumentException bad = new IllegalArgumentException("malformed order");
        h.register("strict", (request, ctx) -> {
            calls.incrementAndGet();
            throw bad;
        });

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> patterns.invokeRetry("strict", null, fast().retryOn(IllegalStateException.class).build()));

        assertSame(bad, e);
        assertEquals(1, calls.get());
    }

    @Test
    void anErrorInRetryOnIsRetried() {
        h.register("flaky", failing(2));

        assertEquals("ok after 3 calls with x",
                patterns.invokeRetry("flaky", "x", fast().retryOn(IllegalStateException.class).build()));
        assertEquals(3, calls.get());
    }

    @Test
    void aCheckedErrorIsRetriedByItsTypeAndThrownWrapped() {
        IOException io = new IOException("connection reset");
        h.register("remote", (request, ctx) -> {
            calls.incrementAndGet();
            throw io;
        });

        InvocationException e = assertThrows(InvocationException.class,
                () -> patterns.invokeRetry("remote", null, fast().retryOn(IOException.class).build()));

        assertSame(io, e.getCause());
        assertEquals(3, calls.get());
    }

    @Test
    void retriesKeepOneCorrelationId() {
        List<String> ids = new CopyOnWriteArrayList<>();
        Service flaky = failing(2);
        h.register("flaky", (request, ctx) -> {
            ids.add(request.correlationId());
            return flaky.handle(request, ctx);
        });

        patterns.invokeRetry("flaky", null, fast().build());

        assertEquals(3, ids.size());
        assertEquals(1, ids.stream().distinct().count(), ids.toString());
    }

    // ---- asynchronous -------------------------------------------------------------------------------------

    @Test
    void invokeRetryAsyncReturnsAtOnceAndDeliversTheSuccessAfterTheThirdAttempt() throws Exception {
        CountDownLatch gate = h.gate();
        Service flaky = failing(2);
        h.register("flaky", (request, ctx) -> {
            if (calls.get() == 0) {
                block(gate); // the first attempt waits for the test
            }
            return flaky.handle(request, ctx);
        });
        CompletableFuture<InvocationResult> callback = new CompletableFuture<>();
        CompletableFuture<Request> callbackService = new CompletableFuture<>();
        h.register("on-result", (request, ctx) -> callbackService.complete(request));

        AsyncInvocation call = patterns.invokeRetryAsync("flaky", "job", fast().build(),
                AsyncOptions.builder().callback(callback::complete).callbackService("on-result").build());

        assertEquals(1, gate.getCount(), "the first attempt is still blocked");
        assertFalse(call.response().toCompletableFuture().isDone());
        assertEquals(0, calls.get());

        gate.countDown();
        assertEquals("ok after 3 calls with job", get(call.response()));
        InvocationResult result = get(callback);
        assertTrue(result.succeeded());
        assertEquals("ok after 3 calls with job", result.response());
        assertEquals(call.id(), result.invocationId());
        assertEquals("flaky", result.service());
        Request request = get(callbackService);
        assertEquals(Optional.of(call.id()), request.inReplyTo());
        assertEquals(result, request.payload());
        assertEquals(3, calls.get());

        for (int i = 1; i < callTimes.size(); i++) {
            long gap = Duration.ofNanos(callTimes.get(i) - callTimes.get(i - 1)).toMillis();
            assertTrue(gap >= INTERVAL.toMillis() - 1, "only " + gap + " ms between attempts " + i + " and " + (i + 1));
        }
    }

    @Test
    void invokeRetryAsyncDeliversTheLastErrorWhenTheAttemptsRunOut() throws Exception {
        h.register("flaky", failing(5));
        CompletableFuture<InvocationResult> callback = new CompletableFuture<>();

        AsyncInvocation call = patterns.invokeRetryAsync("flaky", null, fast().attempts(3).build(),
                AsyncOptions.builder().callback(callback::complete).build());

        ExecutionException e = assertThrows(ExecutionException.class, () -> get(call.response()));
        assertSame(thrown.get(2), e.getCause());
        InvocationResult result = get(callback);
        assertSame(thrown.get(2), result.error());
        assertEquals("attempt 3 failed", result.error().getMessage());
        h.drainPool();
        assertEquals(3, calls.get());
    }

    @Test
    void invokeRetryAsyncDoesNotRetryAnErrorOutsideRetryOn() throws Exception {
        IllegalArgumentException bad = new IllegalArgumentException("malformed order");
        h.register("strict", (request, ctx) -> {
            calls.incrementAndGet();
            throw bad;
        });

        AsyncInvocation call = patterns.invokeRetryAsync("strict", null,
                fast().retryOn(IllegalStateException.class).build(), AsyncOptions.defaults());

        ExecutionException e = assertThrows(ExecutionException.class, () -> get(call.response()));
        assertSame(bad, assertInstanceOf(IllegalArgumentException.class, e.getCause()));
        h.drainPool();
        assertEquals(1, calls.get());
    }

    @Test
    void invokeRetryAsyncRefusesAnUnknownServiceAtOnce() {
        assertThrows(io.courier.api.ServiceNotFoundException.class,
                () -> patterns.invokeRetryAsync("nowhere", null, fast().build(), AsyncOptions.defaults()));
    }

    @Test
    void retryingEndsAtOnceWhenTheFirstAttemptSucceeds() throws Exception {
        h.register("fine", failing(0));

        assertEquals("ok after 1 calls with a", patterns.invokeRetry("fine", "a", fast().build()));
        assertEquals("ok after 2 calls with b",
                get(patterns.invokeRetryAsync("fine", "b", fast().build(), AsyncOptions.defaults()).response()));
    }
}
