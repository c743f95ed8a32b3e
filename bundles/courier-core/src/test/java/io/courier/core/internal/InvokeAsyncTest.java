package io.courier.core.internal;

import static io.courier.core.internal.Harness.await;
import static io.courier.core.internal.Harness.block;
import static io.courier.core.internal.Harness.get;
import static io.courier.core.internal.Harness.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.InvocationException;
import io.courier.api.InvocationResult;
import io.courier.api.RejectedInvocationException;
import io.courier.api.Request;
import io.courier.api.ServiceNotFoundException;

/** invokeAsync: returns at once; the response and the callbacks get the outcome; the pool is bounded. */
class InvokeAsyncTest {

    private Harness h = new Harness();

    @AfterEach
    void stop() {
        h.close();
    }

    /** A service that records the request it got and hands it to a future. */
    private static final class Recorder {
        final CompletableFuture<Request> request = new CompletableFuture<>();

        Object handle(Request r) {
            request.complete(r);
            return null;
        }
    }

    @Test
    void invokeAsyncReturnsAtOnceWhileTheTargetIsStillBlocked() throws Exception {
        CountDownLatch gate = h.gate();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        h.register("slow", (request, ctx) -> {
            ranOn.set(Thread.currentThread());
            started.countDown();
            block(gate);
            return "done " + request.payload();
        });

        AsyncInvocation call = h.courier.invokeAsync("slow", "job");

        assertNotNull(call.id());
        assertFalse(call.id().isBlank());
        assertEquals(1, gate.getCount(), "the target is still blocked");
        assertFalse(call.response().toCompletableFuture().isDone());
        await(started, "the target to start on a pool thread");
        assertNotSame(Thread.currentThread(), ranOn.get());

        gate.countDown();
        assertEquals("done job", get(call.response()));
    }

    @Test
    void eachInvocationHasItsOwnId() {
        h.register("echo", (request, ctx) -> request.payload());

        assertNotEquals(h.courier.invokeAsync("echo", 1).id(), h.courier.invokeAsync("echo", 2).id());
    }

    @Test
    void anUnknownServiceIsRefusedAtOnce() {
        ServiceNotFoundException e = assertThrows(ServiceNotFoundException.class,
                () -> h.courier.invokeAsync("nowhere", 1));
        assertEquals("nowhere", e.serviceName());
    }

    @Test
    void aJavaCallbackGetsTheResultWithIdServiceAndResponse() throws Exception {
        h.register("square", (request, ctx) -> (Integer) request.payload() * (Integer) request.payload());
        CompletableFuture<InvocationResult> received = new CompletableFuture<>();

        AsyncInvocation call = h.courier.invokeAsync("square", 12,
                AsyncOptions.builder().callback(received::complete).build());

        InvocationResult result = get(received);
        assertEquals(call.id(), result.invocationId());
        assertEquals("square", result.service());
        assertEquals(144, result.response());
        assertTrue(result.succeeded());
        assertEquals(Optional.empty(), result.errorText());
        assertEquals(144, get(call.response()));
    }

    @Test
    void aCallbackServiceGetsTheResultAsPayloadInReplyToTheInvocation() throws Exception {
        h.register("square", (request, ctx) -> (Integer) request.payload() * (Integer) request.payload());
        Recorder recorder = new Recorder();
        h.register("on-result", (request, ctx) -> recorder.handle(request));

        AsyncInvocation call = h.courier.invokeAsync("square", 3,
                AsyncOptions.builder().callbackService("on-result").build());

        Request request = get(recorder.request);
        assertEquals(Optional.of(call.id()), request.inReplyTo());
        InvocationResult result = assertInstanceOf(InvocationResult.class, request.payload());
        assertEquals(call.id(), result.invocationId());
        assertEquals("square", result.service());
        assertEquals(9, result.response());
        assertTrue(result.succeeded());
    }

    @Test
    void theCallbacksAndTheResponseCarryTheCorrelationIdGiven() throws Exception {
        CompletableFuture<String> targetSaw = new CompletableFuture<>();
        h.register("target", (request, ctx) -> targetSaw.complete(request.correlationId()));
        Recorder recorder = new Recorder();
        h.register("on-result", (request, ctx) -> recorder.handle(request));

        h.courier.invokeAsync("target", null,
                AsyncOptions.builder().correlationId("batch-7").callbackService("on-result").build());

        assertEquals("batch-7", get(targetSaw));
        assertEquals("batch-7", get(recorder.request).correlationId());
    }

    @Test
    void onFailureTheCallbacksAndTheResponseGetTheError() throws Exception {
        IllegalStateException thrown = new IllegalStateException("out of stock");
        h.register("fail", (request, ctx) -> {
            throw thrown;
        });
        CompletableFuture<InvocationResult> received = new CompletableFuture<>();
        Recorder recorder = new Recorder();
        h.register("on-result", (request, ctx) -> recorder.handle(request));

        AsyncInvocation call = h.courier.invokeAsync("fail", null,
                AsyncOptions.builder().callback(received::complete).callbackService("on-result").build());

        InvocationResult result = get(received);
        assertFalse(result.succeeded());
        assertFalse(result.timedOut());
        assertSame(thrown, result.error());
        assertEquals(call.id(), result.invocationId());
        assertEquals("fail", result.service());
        assertEquals(Optional.of(thrown.toString()), result.errorText());

        Request callbackRequest = get(recorder.request);
        assertEquals(Optional.of(call.id()), callbackRequest.inReplyTo());
        InvocationResult viaService = assertInstanceOf(InvocationResult.class, callbackRequest.payload());
        assertSame(thrown, viaService.error());

        ExecutionException e = assertThrows(ExecutionException.class, () -> get(call.response()));
        assertSame(thrown, e.getCause());
    }

    @Test
    void aCheckedFailureReachesTheCallbacksWrappedInInvocationException() throws Exception {
        IOException thrown = new IOException("disk gone");
        h.register("fail", (request, ctx) -> {
            throw thrown;
        });
        CompletableFuture<InvocationResult> received = new CompletableFuture<>();

        AsyncInvocation call = h.courier.invokeAsync("fail", null,
                AsyncOptions.builder().callback(received::complete).build());

        InvocationException error = assertInstanceOf(InvocationException.class, get(received).error());
        assertSame(thrown, error.getCause());
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(call.response()));
        assertSame(thrown, assertInstanceOf(InvocationException.class, e.getCause()).getCause());
    }

    @Test
    void aFailingJavaCallbackNeitherStopsTheCallbackServiceNorFailsTheResponse() throws Exception {
        h.register("target", (request, ctx) -> "answer");
        Recorder recorder = new Recorder();
        h.register("on-result", (request, ctx) -> recorder.handle(request));
        CountDownLatch callbackRan = new CountDownLatch(1);

        AsyncInvocation call = h.courier.invokeAsync("target", null, AsyncOptions.builder().callback(r -> {
            callbackRan.countDown();
            throw new IllegalStateException("callback bug");
        }).callbackService("on-result").build());

        await(callbackRan, "the Java callback");
        InvocationResult viaService = assertInstanceOf(InvocationResult.class, get(recorder.request).payload());
        assertEquals("answer", viaService.response());
        assertEquals("answer", get(call.response()));
    }

    @Test
    void theJavaCallbackNeverRunsOnTheCallersThread() throws Exception {
        h.register("fast", (request, ctx) -> request.payload());
        Thread caller = Thread.currentThread();
        AtomicInteger onCallersThread = new AtomicInteger();
        int n = 2_000;
        CountDownLatch allCalledBack = new CountDownLatch(n);

        for (int i = 0; i < n; i++) {
            h.courier.invokeAsync("fast", i, AsyncOptions.builder().callback(r -> {
                if (Thread.currentThread() == caller) {
                    onCallersThread.incrementAndGet();
                }
                allCalledBack.countDown();
            }).build());
            if (i % 50 == 49) {
                h.drainPool(); // keeps the queue short, as in normal use
            }
        }

        await(allCalledBack, "every callback");
        assertEquals(0, onCallersThread.get(), "callbacks run on the caller's thread, out of " + n);
    }

    @Test
    void theCallerCannotCompleteTheResponseInCouriersPlace() throws Exception {
        CountDownLatch gate = h.gate();
        h.register("slow", (request, ctx) -> {
            block(gate);
            return "real answer";
        });
        CompletableFuture<InvocationResult> received = new CompletableFuture<>();
        AsyncInvocation call = h.courier.invokeAsync("slow", null,
                AsyncOptions.builder().callback(received::complete).build());

        CompletableFuture<Object> copy = call.response().toCompletableFuture();
        copy.complete("forged");
        copy.obtrudeValue("forged again");
        if (call.response() instanceof CompletableFuture<Object> future) {
            assertThrows(UnsupportedOperationException.class, () -> future.complete("forged"));
            assertThrows(UnsupportedOperationException.class, () -> future.cancel(true));
        }
        assertFalse(call.response().toCompletableFuture().isDone(), "the response completed before the service answered");

        gate.countDown();
        assertEquals("real answer", get(call.response()));
        assertEquals("real answer", get(received).response(), "the callback got another outcome");
    }

    @Test
    void aFullAsyncPoolRejectsTheNextCallAtOnceAndTheEarlierOnesStillComplete() throws Exception {
        h.close();
        h = new Harness(1, 2);
        CountDownLatch gate = h.gate();
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        h.register("blocked", (request, ctx) -> {
            calls.incrementAndGet();
            firstStarted.countDown();
            block(gate);
            return "released " + request.payload();
        });

        List<AsyncInvocation> accepted = new ArrayList<>();
        accepted.add(h.courier.invokeAsync("blocked", 1)); // runs on the only thread
        await(firstStarted, "the first call to occupy the thread");
        accepted.add(h.courier.invokeAsync("blocked", 2)); // queued
        accepted.add(h.courier.invokeAsync("blocked", 3)); // queued: the queue is full

        long start = System.nanoTime();
        RejectedInvocationException e = assertThrows(RejectedInvocationException.class,
                () -> h.courier.invokeAsync("blocked", 4));
        assertTrue(millisSince(start) < 1_000, "the refusal took " + millisSince(start) + " ms");
        assertTrue(e.getMessage().contains("'blocked'"), e.getMessage());

        gate.countDown();
        for (int i = 0; i < accepted.size(); i++) {
            assertEquals("released " + (i + 1), get(accepted.get(i).response()));
        }
        assertEquals(3, calls.get(), "the rejected call never ran");
    }
}
