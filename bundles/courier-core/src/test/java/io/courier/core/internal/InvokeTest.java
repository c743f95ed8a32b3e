package io.courier.core.internal;

import static io.courier.core.internal.Harness.await;
import static io.courier.core.internal.Harness.block;
import static io.courier.core.internal.Harness.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.courier.api.Courier;
import io.courier.api.InvocationDepthException;
import io.courier.api.InvocationException;
import io.courier.api.InvocationTimeoutException;
import io.courier.api.InvokeOptions;
import io.courier.api.Request;
import io.courier.api.ServiceNotFoundException;

/** Synchronous invoke: responses, exceptions, timeouts, the depth limit and correlation. */
class InvokeTest {

    private final Harness h = new Harness();
    private final Courier courier = h.courier;

    @AfterEach
    void stop() {
        h.close();
    }

    private static InvokeOptions timeout(long millis) {
        return InvokeOptions.builder().timeout(Duration.ofMillis(millis)).build();
    }

    // ---- responses and exceptions -----------------------------------------------------------------------

    @Test
    void invokeReturnsTheResponseAndRunsOnTheCallersThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        h.register("greet", (request, ctx) -> {
            ranOn.set(Thread.currentThread());
            return "hello " + request.payload();
        });

        assertEquals("hello world", courier.invoke("greet", "world"));
        assertSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void anUncheckedExceptionReachesTheCallerAsTheSameInstance() {
        IllegalStateException thrown = new IllegalStateException("account is frozen");
        h.register("frozen", (request, ctx) -> {
            throw thrown;
        });

        IllegalStateException caught = assertThrows(IllegalStateException.class, () -> courier.invoke("frozen", 1));
        assertSame(thrown, caught);
        assertEquals("account is frozen", caught.getMessage());
    }

    @Test
    void aCheckedExceptionArrivesAsTheCauseOfAnInvocationException() {
        IOException thrown = new IOException("disk gone");
        h.register("io", (request, ctx) -> {
            throw thrown;
        });

        InvocationException caught = assertThrows(InvocationException.class, () -> courier.invoke("io", null));
        assertSame(thrown, caught.getCause());
        assertEquals("io", caught.serviceName());
    }

    @Test
    void anUnknownServiceGivesServiceNotFoundNamingIt() {
        ServiceNotFoundException e = assertThrows(ServiceNotFoundException.class,
                () -> courier.invoke("no-such-service", "x"));
        assertEquals("no-such-service", e.serviceName());
        assertTrue(e.getMessage().contains("'no-such-service'"), e.getMessage());
    }

    // ---- timeout ------------------------------------------------------------------------------------------

    @Test
    void aBlockingTargetGivesATimeoutAtTheTimeoutAndIsInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch neverOpened = h.gate();
        h.register("stuck", (request, ctx) -> {
            started.countDown();
            try {
                block(neverOpened); // would take Harness.BLOCK_SECONDS
                return "too late";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });

        long start = System.nanoTime();
        InvocationTimeoutException e = assertThrows(InvocationTimeoutException.class,
                () -> courier.invoke("stuck", null, timeout(200)));
        long elapsed = millisSince(start);

        assertEquals("stuck", e.serviceName());
        assertTrue(e.getMessage().contains("200 ms"), e.getMessage());
        assertTrue(elapsed >= 190, "gave up after only " + elapsed + " ms");
        assertTrue(elapsed < 2_000, "waited " + elapsed + " ms for a 200 ms timeout");
        await(started, "the target to start");
        await(interrupted, "the target's thread to be interrupted");
    }

    @Test
    void aFastTargetWithATimeoutStillReturnsItsResponse() {
        h.register("fast", (request, ctx) -> "fast " + request.payload());

        assertEquals("fast 7", courier.invoke("fast", 7, timeout(5_000)));
    }

    @Test
    void aFastTargetWithATimeoutKeepsItsExceptionTypes() {
        IllegalArgumentException unchecked = new IllegalArgumentException("bad amount");
        IOException checked = new IOException("disk gone");
        h.register("unchecked", (request, ctx) -> {
            throw unchecked;
        });
        h.register("checked", (request, ctx) -> {
            throw checked;
        });

        assertSame(unchecked,
                assertThrows(IllegalArgumentException.class, () -> courier.invoke("unchecked", 1, timeout(5_000))));
        InvocationException wrapped = assertThrows(InvocationException.class,
                () -> courier.invoke("checked", 1, timeout(5_000)));
        assertSame(checked, wrapped.getCause());
        assertEquals("checked", wrapped.serviceName());
    }

    @Test
    void anUnknownServiceWithATimeoutGivesServiceNotFound() {
        ServiceNotFoundException e = assertThrows(ServiceNotFoundException.class,
                () -> courier.invoke("missing", 1, timeout(5_000)));
        assertEquals("missing", e.serviceName());
    }

    // ---- depth limit --------------------------------------------------------------------------------------

    @Test
    void aServiceInvokingItselfWithoutEndStopsAtTheDepthLimit() {
        AtomicInteger calls = new AtomicInteger();
        h.register("loop", (request, ctx) -> {
            calls.incrementAndGet();
            return ctx.invoke("loop", request.payload());
        });

        InvocationDepthException e = assertThrows(InvocationDepthException.class, () -> courier.invoke("loop", 0));
        assertTrue(e.getMessage().contains(String.valueOf(Courier.MAX_DEPTH)), e.getMessage());
        assertEquals(Courier.MAX_DEPTH, calls.get(), "nested calls that ran before the limit");
    }

    @Test
    void servicesInvokingEachOtherWithoutEndStopAtTheDepthLimit() {
        h.register("ping", (request, ctx) -> ctx.invoke("pong", null));
        h.register("pong", (request, ctx) -> ctx.invoke("ping", null));

        InvocationDepthException e = assertThrows(InvocationDepthException.class, () -> courier.invoke("ping", 0));
        assertTrue(e.getMessage().contains(String.valueOf(Courier.MAX_DEPTH)), e.getMessage());
    }

    @Test
    void aLegitimateChainOfTenNestedCallsWorks() {
        h.register("countdown", (request, ctx) -> {
            int n = (Integer) request.payload();
            return n == 0 ? "bottom" : n + ">" + ctx.invoke("countdown", n - 1);
        });

        assertEquals("10>9>8>7>6>5>4>3>2>1>bottom", courier.invoke("countdown", 10));
    }

    // ---- correlation --------------------------------------------------------------------------------------

    @Test
    void aNestedCallCarriesTheCallersCorrelationIdAndName() {
        AtomicReference<Request> seenByA = new AtomicReference<>();
        AtomicReference<String> contextOfA = new AtomicReference<>();
        AtomicReference<Request> seenByB = new AtomicReference<>();
        h.register("A", (request, ctx) -> {
            seenByA.set(request);
            contextOfA.set(ctx.correlationId());
            return ctx.invoke("B", "from A");
        });
        h.register("B", (request, ctx) -> {
            seenByB.set(request);
            return "B done";
        });

        assertEquals("B done", courier.invoke("A", null));

        String correlationId = seenByA.get().correlationId();
        assertNotNull(correlationId);
        assertEquals(correlationId, contextOfA.get());
        assertEquals(Optional.empty(), seenByA.get().caller(), "a call from outside has no caller");
        assertEquals(correlationId, seenByB.get().correlationId());
        assertEquals(Optional.of("A"), seenByB.get().caller());
        assertEquals("from A", seenByB.get().payload());
    }

    @Test
    void aCorrelationIdInTheOptionsReplacesTheCallersDownstream() {
        Map<String, Request> seen = new ConcurrentHashMap<>();
        h.register("A", (request, ctx) -> {
            seen.put("A", request);
            return ctx.invoke("B", null, InvokeOptions.builder().correlationId("new").build());
        });
        h.register("B", (request, ctx) -> {
            seen.put("B", request);
            return ctx.invoke("C", null);
        });
        h.register("C", (request, ctx) -> {
            seen.put("C", request);
            return "C done";
        });

        assertEquals("C done", courier.invoke("A", null));

        assertNotEquals("new", seen.get("A").correlationId());
        assertEquals("new", seen.get("B").correlationId());
        assertEquals("new", seen.get("C").correlationId());
        assertEquals(Optional.of("A"), seen.get("B").caller());
        assertEquals(Optional.of("B"), seen.get("C").caller());
    }

    @Test
    void aCorrelationIdInTheOptionsIsUsedForACallFromOutside() {
        AtomicReference<String> seen = new AtomicReference<>();
        h.register("A", (request, ctx) -> {
            seen.set(request.correlationId());
            return null;
        });

        courier.invoke("A", null, InvokeOptions.builder().correlationId("order-42").build());

        assertEquals("order-42", seen.get());
    }

    @Test
    void callsFromOutsideServicesGetAFreshCorrelationIdEachTime() {
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        h.register("A", (request, ctx) -> {
            ids.add(request.correlationId());
            return null;
        });

        courier.invoke("A", null);
        courier.invoke("A", null);
        courier.invoke("A", null, timeout(5_000));

        assertEquals(3, ids.size());
        ids.forEach(id -> assertFalse(id == null || id.isBlank(), "correlation id " + id));
        assertEquals(3, ids.stream().distinct().count(), "correlation ids " + ids);
    }

    @Test
    void aNestedCallWithATimeoutKeepsTheCorrelationIdAndCaller() {
        AtomicReference<String> ofA = new AtomicReference<>();
        AtomicReference<Request> seenByB = new AtomicReference<>();
        h.register("A", (request, ctx) -> {
            ofA.set(request.correlationId());
            return ctx.invoke("B", null, timeout(5_000));
        });
        h.register("B", (request, ctx) -> {
            seenByB.set(request);
            return "ok";
        });

        assertEquals("ok", courier.invoke("A", null));
        assertEquals(ofA.get(), seenByB.get().correlationId());
        assertEquals(Optional.of("A"), seenByB.get().caller());
    }
}
