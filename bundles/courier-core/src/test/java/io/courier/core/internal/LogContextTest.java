package io.courier.core.internal;

import static io.courier.core.internal.Harness.await;
import static io.courier.core.internal.Harness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.FanOut;
import io.courier.api.FanOutOptions;
import io.courier.api.InvokeOptions;
import io.courier.api.PubSubMessage;
import io.courier.api.Service;

/**
 * The logging context while a service handles a request: its name, the message id, the correlation id and the
 * asynchronous invocation's id in the MDC, and the caller's context back as it was afterwards.
 */
class LogContextTest {

    private Harness h = new Harness();
    /** What each service saw in the MDC, by service name. */
    private final Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        h.close();
        MDC.clear();
    }

    /** The MDC's Courier keys, sorted. */
    private static Map<String, String> courierMdc() {
        Map<String, String> courier = new TreeMap<>();
        Map<String, String> all = MDC.getCopyOfContextMap();
        if (all != null) {
            all.forEach((key, value) -> {
                if (key.startsWith("courier.")) {
                    courier.put(key, value);
                }
            });
        }
        return courier;
    }

    private static Map<String, String> mdc(String... keyValues) {
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            expected.put("courier." + keyValues[i], keyValues[i + 1]);
        }
        return expected;
    }

    /** A service that records the MDC it handles a request in, then does what it is given. */
    private void register(String name, Service then) {
        h.register(name, (request, ctx) -> {
            seen.put(name, courierMdc());
            return then.handle(request, ctx);
        });
    }

    private void register(String name) {
        register(name, (request, ctx) -> name + " done");
    }

    @Test
    void whileAServiceHandlesAnInvokeItsNameAndTheCorrelationIdAreInTheMdc() {
        register("A");

        h.courier.invoke("A", null, InvokeOptions.builder().correlationId("order-42").build());

        assertEquals(mdc("service", "A", "correlationId", "order-42"), seen.get("A"));
    }

    @Test
    void aNestedInvokeGivesTheCallersMdcBackOnReturnAndTheOutsideCallersAfterwards() {
        MDC.put("courier.service", "set by the caller");
        MDC.put("user.key", "kept");
        Map<String, String> afterNested = new ConcurrentHashMap<>();
        register("A", (request, ctx) -> {
            ctx.invoke("B", null);
            afterNested.putAll(courierMdc());
            return null;
        });
        register("B");

        h.courier.invoke("A", null, InvokeOptions.builder().correlationId("c-1").build());

        assertEquals(mdc("service", "A", "correlationId", "c-1"), seen.get("A"));
        assertEquals(mdc("service", "B", "correlationId", "c-1"), seen.get("B"));
        assertEquals(seen.get("A"), afterNested, "A's MDC after B returned");
        assertEquals(mdc("service", "set by the caller"), courierMdc(), "the outside caller's MDC afterwards");
        assertEquals("kept", MDC.get("user.key"));
    }

    @Test
    void theMdcIsGivenBackWhenTheServiceThrows() {
        register("A", (request, ctx) -> {
            throw new IllegalStateException("out of stock");
        });

        assertThrows(IllegalStateException.class, () -> h.courier.invoke("A", null));

        assertEquals(mdc("service", "A"), Map.of("courier.service", seen.get("A").get("courier.service")));
        assertEquals(Map.of(), courierMdc());
    }

    @Test
    void aDeliveredMessagesIdReachesTheServiceAndEverythingItInvokes() throws Exception {
        CountDownLatch asyncDone = new CountDownLatch(1);
        Map<String, String> ids = new ConcurrentHashMap<>();
        register("A", (request, ctx) -> {
            ctx.invoke("B", null);
            ctx.invoke("T", null, InvokeOptions.builder().timeout(Duration.ofSeconds(5)).build()); // on another thread
            ids.put("C", ctx.invokeAsync("C", null).id());
            return null;
        });
        register("B");
        register("T");
        register("C", (request, ctx) -> {
            asyncDone.countDown();
            return null;
        });

        h.invocations.deliver(h.services.get("A"), "A", new Message("m-1", "c-1"));
        await(asyncDone, "the asynchronous call");

        assertEquals(mdc("service", "A", "msgId", "m-1", "correlationId", "c-1"), seen.get("A"));
        assertEquals(mdc("service", "B", "msgId", "m-1", "correlationId", "c-1"), seen.get("B"));
        assertEquals(mdc("service", "T", "msgId", "m-1", "correlationId", "c-1"), seen.get("T"));
        assertEquals(mdc("service", "C", "msgId", "m-1", "correlationId", "c-1", "invocationId", ids.get("C")),
                seen.get("C"));
        assertEquals(Map.of(), courierMdc(), "the delivering thread's MDC afterwards");
    }

    @Test
    void anAsynchronousInvocationsTargetAndCallbackServiceCarryItsId() throws Exception {
        CountDownLatch calledBack = new CountDownLatch(1);
        register("A");
        register("done", (request, ctx) -> {
            calledBack.countDown();
            return null;
        });

        AsyncInvocation call = h.courier.invokeAsync("A", null,
                AsyncOptions.builder().correlationId("c-2").callbackService("done").build());
        await(calledBack, "the callback service");

        assertEquals(mdc("service", "A", "correlationId", "c-2", "invocationId", call.id()), seen.get("A"));
        assertEquals(mdc("service", "done", "correlationId", "c-2", "invocationId", call.id()), seen.get("done"));
    }

    @Test
    void aFanOutsTargetsCarryItsId() throws Exception {
        register("A");
        register("B");
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("A", 1);
        targets.put("B", 2);

        FanOut fanOut = h.courier.patterns().fanOut(targets, FanOutOptions.builder().build());
        get(fanOut.completion());

        assertEquals(fanOut.id(), seen.get("A").get("courier.invocationId"));
        assertEquals(fanOut.id(), seen.get("B").get("courier.invocationId"));
        assertEquals("B", seen.get("B").get("courier.service"));
    }

    @Test
    void aPoolThreadKeepsNothingFromItsPreviousCall() throws Exception {
        h.close();
        h = new Harness(1, 10); // one thread: both calls run on it
        register("A", (request, ctx) -> get(ctx.invokeAsync("B", null).response()));
        register("B");
        register("C");

        h.invocations.deliver(h.services.get("A"), "A", new Message("m-1", "c-1"));
        AsyncInvocation fromOutside = h.courier.invokeAsync("C", null,
                AsyncOptions.builder().correlationId("c-3").build());
        get(fromOutside.response());

        assertEquals("m-1", seen.get("B").get("courier.msgId"));
        assertEquals(mdc("service", "C", "correlationId", "c-3", "invocationId", fromOutside.id()), seen.get("C"));
    }

    /** A pub/sub message as pub/sub hands it to a service. */
    private record Message(String msgId, String correlationId) implements PubSubMessage {
        @Override
        public String topic() {
            return "A";
        }

        @Override
        public Object data() {
            return null;
        }

        @Override
        public <T> T dataAs(Class<T> type) {
            return null;
        }

        @Override
        public String mimeType() {
            return "application/json";
        }

        @Override
        public int priority() {
            return 5;
        }

        @Override
        public Instant publishedAt() {
            return Instant.EPOCH;
        }

        @Override
        public Optional<Instant> expiresAt() {
            return Optional.empty();
        }

        @Override
        public Optional<String> inReplyTo() {
            return Optional.empty();
        }

        @Override
        public Optional<String> extClientId() {
            return Optional.empty();
        }

        @Override
        public Optional<String> publisher() {
            return Optional.empty();
        }

        @Override
        public int attempt() {
            return 1;
        }
    }
}
