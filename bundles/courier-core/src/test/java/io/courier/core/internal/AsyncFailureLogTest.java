package io.courier.core.internal;

import static io.courier.core.internal.Harness.get;
import static io.courier.core.internal.LogEvents.hasStackTrace;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.InvocationResult;
import io.courier.api.RetryOptions;

/**
 * Failures of asynchronous invocations without a callback: one WARN line each, naming the service and the
 * invocation; the stack trace once per service and exception class, at DEBUG after that.
 */
class AsyncFailureLogTest {

    private Harness h = new Harness();
    private final LogEvents log = new LogEvents(AsyncFailureLog.class);

    @AfterEach
    void stop() {
        h.close();
        log.close();
    }

    private List<ILoggingEvent> warnings() {
        return log.at(Level.WARN);
    }

    /** Fails with an IllegalStateException, or with an IOException if the payload says "io". */
    private void registerBroken(String name) {
        h.register(name, (request, ctx) -> {
            if ("io".equals(request.payload())) {
                throw new IOException("disk gone");
            }
            throw new IllegalStateException("out of stock");
        });
    }

    @Test
    void aServiceFailing10000TimesInARowWritesOneLineEachAndOneStackTrace() throws Exception {
        h.close();
        h = new Harness(4, 10_000);
        registerBroken("broken");
        int n = 10_000;

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(h.courier.invokeAsync("broken", i).id());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> warnings().size() >= n);
        h.drainPool();

        List<ILoggingEvent> warnings = warnings();
        assertEquals(n, warnings.size(), "WARN lines for " + n + " failures");
        assertEquals(ids, warnings.stream().map(e -> (String) e.getArgumentArray()[0]).collect(Collectors.toSet()),
                "each invocation id once");
        assertEquals(1, warnings.stream().filter(LogEvents::hasStackTrace).count(), "WARN lines with a stack trace");
        List<ILoggingEvent> debug = log.at(Level.DEBUG);
        assertEquals(n - 1, debug.size(), "DEBUG lines");
        assertTrue(debug.stream().allMatch(LogEvents::hasStackTrace), "every DEBUG line has the stack trace");

        ILoggingEvent first = warnings.stream().filter(LogEvents::hasStackTrace).findFirst().orElseThrow();
        String id = (String) first.getArgumentArray()[0];
        assertEquals("Asynchronous invocation " + id + " of 'broken' failed, with no callback to tell:"
                + " java.lang.IllegalStateException: out of stock (stack trace once per service and exception class;"
                + " the next ones at DEBUG)", first.getFormattedMessage());
        ILoggingEvent later = warnings.stream().filter(e -> !hasStackTrace(e)).findFirst().orElseThrow();
        assertEquals("Asynchronous invocation " + later.getArgumentArray()[0] + " of 'broken' failed, with no callback"
                + " to tell: java.lang.IllegalStateException: out of stock", later.getFormattedMessage());
    }

    @Test
    void anotherExceptionClassOrAnotherServiceGetsItsOwnStackTrace() throws Exception {
        registerBroken("broken");
        registerBroken("other");

        for (Object[] call : List.of(new Object[] { "broken", 1 }, new Object[] { "broken", "io" },
                new Object[] { "other", 1 }, new Object[] { "broken", 2 }, new Object[] { "broken", "io" },
                new Object[] { "other", 2 })) {
            AsyncInvocation invocation = h.courier.invokeAsync((String) call[0], call[1]);
            assertThrows(ExecutionException.class, () -> get(invocation.response()));
        }
        h.drainPool();

        List<ILoggingEvent> warnings = warnings();
        assertEquals(6, warnings.size(), "WARN lines " + messages(warnings));
        assertEquals(List.of(
                "'broken' io.courier.api.InvocationException: Service 'broken' failed: java.io.IOException: disk gone",
                "'broken' java.lang.IllegalStateException: out of stock",
                "'other' java.lang.IllegalStateException: out of stock"),
                warnings.stream().filter(LogEvents::hasStackTrace)
                        .map(e -> "'" + e.getArgumentArray()[1] + "' " + e.getArgumentArray()[2]).sorted().toList(),
                "the WARN lines with a stack trace");
    }

    @Test
    void theWarningCarriesTheInvocationsLogContext() throws Exception {
        registerBroken("broken");

        AsyncInvocation call = h.courier.invokeAsync("broken", 1, AsyncOptions.builder().correlationId("order-42").build());
        assertThrows(ExecutionException.class, () -> get(call.response()));
        h.drainPool();

        List<ILoggingEvent> warnings = warnings();
        assertEquals(1, warnings.size(), "WARN lines " + messages(warnings));
        assertEquals(Map.of("courier.service", "broken", "courier.correlationId", "order-42", "courier.invocationId",
                call.id()), LogEvents.mdc(warnings.get(0)));
    }

    @Test
    void failuresHandedToACallbackAndSuccessesAreNotLogged() throws Exception {
        registerBroken("broken");
        h.register("ok", (request, ctx) -> "fine");
        CompletableFuture<Object> callbackService = new CompletableFuture<>();
        h.register("on-result", (request, ctx) -> callbackService.complete(request.payload()));
        CompletableFuture<InvocationResult> javaCallback = new CompletableFuture<>();

        h.courier.invokeAsync("broken", 1, AsyncOptions.builder().callback(javaCallback::complete).build());
        h.courier.invokeAsync("broken", 2, AsyncOptions.builder().callbackService("on-result").build());
        AsyncInvocation ok = h.courier.invokeAsync("ok", 3);

        assertFalse(get(javaCallback).succeeded());
        assertFalse(((InvocationResult) get(callbackService)).succeeded());
        assertEquals("fine", get(ok.response()));
        h.drainPool();
        assertEquals(List.of(), messages(log.matching(e -> true)));
    }

    @Test
    void invokeRetryAsyncWithoutCallbacksLogsOnlyItsLastFailure() throws Exception {
        registerBroken("broken");

        AsyncInvocation call = h.courier.patterns().invokeRetryAsync("broken", 1,
                RetryOptions.builder().attempts(3).interval(Duration.ofMillis(10)).build(), AsyncOptions.defaults());
        assertThrows(ExecutionException.class, () -> get(call.response()));
        h.drainPool();

        List<ILoggingEvent> warnings = warnings();
        assertEquals(1, warnings.size(), "WARN lines " + messages(warnings));
        assertEquals(call.id(), warnings.get(0).getArgumentArray()[0]);
    }

    private static List<String> messages(List<ILoggingEvent> events) {
        return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
