package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.InvocationException;
import io.courier.api.InvocationResult;
import io.courier.api.InvocationTimeoutException;
import io.courier.api.InvokeOptions;
import io.courier.api.PublishOptions;
import io.courier.api.ServiceNotFoundException;

/** The RAM ways to call services, through the OSGi service Courier, in the running distribution. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InvocationIT extends CourierTestSupport {

    @Test
    public void exceptionsCrossInvokeWithTheirTypeAndMessage() {
        IllegalArgumentException thrown = new IllegalArgumentException("amount must be positive");
        register("it.rejects", (request, ctx) -> {
            throw thrown;
        });
        register("it.checked", (request, ctx) -> {
            throw new IOException("disk gone");
        });

        assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> courier.invoke("it.rejects", null)));
        InvocationException wrapped = assertThrows(InvocationException.class, () -> courier.invoke("it.checked", null));
        assertTrue(wrapped.getCause() instanceof IOException);
        assertEquals("disk gone", wrapped.getCause().getMessage());
        ServiceNotFoundException unknown = assertThrows(ServiceNotFoundException.class,
                () -> courier.invoke("it.nobody", null));
        assertTrue(unknown.getMessage().contains("'it.nobody'"));
    }

    @Test
    public void aTimeoutEndsTheWaitAndInterruptsTheTarget() throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        register("it.hangs", (request, ctx) -> {
            try {
                never.await(); // hangs until interrupted
                return "too late";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        long start = System.nanoTime();
        assertThrows(InvocationTimeoutException.class, () -> courier.invoke("it.hangs", null,
                InvokeOptions.builder().timeout(Duration.ofMillis(300)).build()));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue("returned after " + tookMs + " ms", tookMs < 5_000);
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
    }

    @Test
    public void invokeAsyncReturnsAtOnceAndTheCallbackServiceGetsTheResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Object[]> callbacks = new CopyOnWriteArrayList<>();
        register("it.slowly", (request, ctx) -> {
            release.await(10, TimeUnit.SECONDS);
            return Map.of("done", true);
        });
        register("it.callback", (request, ctx) -> {
            callbacks.add(new Object[] { request.inReplyTo().orElse(null), request.payload() });
            return null;
        });

        AsyncInvocation invocation = courier.invokeAsync("it.slowly", null,
                AsyncOptions.builder().callbackService("it.callback").build());
        assertTrue("the call has not run yet", callbacks.isEmpty());
        release.countDown();

        assertEquals(Map.of("done", true), invocation.response().toCompletableFuture().get(10, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
        assertEquals(invocation.id(), callbacks.get(0)[0]);
        InvocationResult result = (InvocationResult) callbacks.get(0)[1];
        assertEquals(invocation.id(), result.invocationId());
        assertEquals(Map.of("done", true), result.response());
    }

    @Test
    public void aBankTransferIsCheckedBookedAfterARetryAndPublishedDurably() {
        awaitServices("bank.transfer", "bank.fraud", "bank.ledger", "bank.audit");
        Map<?, ?> done = (Map<?, ?>) courier.invoke("bank.transfer",
                Map.of("transferId", "t-" + System.nanoTime(), "from", "c-1", "to", "c-2", "amount", 25));
        assertEquals(2, ((Map<?, ?>) done.get("booking")).get("attempts"));
        String event = (String) done.get("event");
        await().atMost(Duration.ofSeconds(10)).until(() -> topic("/bank/transfers").orElseThrow().lastMsgId()
                .orElse("").equals(event) && topic("/bank/transfers").orElseThrow().depth() == 0);
        assertEquals(List.of("bank.audit"), topic("/bank/transfers").orElseThrow().subscribers());
    }

    @Test
    public void theBankingApiFansOutAndReportsAFailingOrLateLookup() {
        awaitServices("bank.api", "bank.account", "bank.customer", "bank.fraud", "bank.audit");
        Map<?, ?> overview = (Map<?, ?>) courier.invoke("bank.api", Map.of("customerId", "c-1"));
        assertEquals("c-1", overview.get("customerId"));
        assertEquals("Ada Lovelace", ((Map<?, ?>) overview.get("customer")).get("name"));
        assertEquals("EUR", ((Map<?, ?>) overview.get("account")).get("currency"));
        assertEquals(0.02, ((Map<?, ?>) overview.get("fraud")).get("score"));

        Map<?, ?> late = (Map<?, ?>) courier.invoke("bank.api", Map.of("customerId", "c-slow"));
        assertEquals(Map.of("unavailable", "timed out"), late.get("fraud"));
        assertEquals("EUR", ((Map<?, ?>) late.get("account")).get("currency"));

        Map<?, ?> degraded = (Map<?, ?>) courier.invoke("bank.api", Map.of("customerId", "c-down"));
        assertEquals("Ada Lovelace", ((Map<?, ?>) degraded.get("customer")).get("name"));
        assertTrue(degraded.get("fraud").toString(), ((Map<?, ?>) degraded.get("fraud")).get("unavailable")
                .toString().contains("fraud scoring backend unreachable"));
    }

    @Test
    public void aServicesLogLinesCarryItsNameTheMessageIdAndTheCorrelationId() throws Exception {
        Logger log = LoggerFactory.getLogger("it.story");
        CountDownLatch handled = new CountDownLatch(1);
        register("it.story", (request, ctx) -> {
            log.info("it.story handles {}", request.payload());
            ctx.invoke("it.story.step", null);
            handled.countDown();
            return null;
        });
        register("it.story.step", (request, ctx) -> {
            log.info("it.story.step runs");
            return null;
        });

        String msgId = pubsub.publish("it.story", "order 7", PublishOptions.builder().correlationId("it-corr-7").build());
        assertTrue("the message was not handled", handled.await(20, TimeUnit.SECONDS));

        // the distribution's log file shows the keys after the bundle columns
        String handles = "| [it.story] msg=" + msgId + " corr=it-corr-7 it.story handles order 7";
        String step = "| [it.story.step] msg=" + msgId + " corr=it-corr-7 it.story.step runs";
        await().atMost(Duration.ofSeconds(10)).until(() -> logFileLines(msgId).size() == 2);
        List<String> lines = logFileLines(msgId);
        assertTrue(lines.toString(), lines.get(0).endsWith(handles));
        assertTrue(lines.toString(), lines.get(1).endsWith(step));

        // log:display with a pattern of one's own, filtered for the message: the README's command
        String shown = execute("log:display -p '%d{HH:mm:ss.SSS} %-5p %X{courier.service} msg=%X{courier.msgId}"
                + " corr=%X{courier.correlationId} inv=%X{courier.invocationId} | %m%n' | grep " + msgId);
        List<String> shownLines = List.of(shown.replaceAll("\u001B\\[[;\\d]*m", "").replace("\r", "").split("\n"));
        assertEquals(shown, 2, shownLines.size());
        String time = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";
        assertTrue(shown, shownLines.get(0).matches(time + "INFO  it.story msg=" + msgId
                + " corr=it-corr-7 inv= \\| it.story handles order 7"));
        assertTrue(shown, shownLines.get(1).matches(time + "INFO  it.story.step msg=" + msgId
                + " corr=it-corr-7 inv= \\| it.story.step runs"));
    }

    @Test
    public void aFailedInvokeAsyncWithoutCallbackIsLoggedAtWarnWithItsServiceAndId() throws Exception {
        register("it.down", (request, ctx) -> {
            throw new IllegalStateException("it.down is down");
        });

        AsyncInvocation invocation = courier.invokeAsync("it.down", null,
                AsyncOptions.builder().correlationId("it-corr-down").build());

        String id = invocation.id();
        await().atMost(Duration.ofSeconds(10)).until(() -> logFileLines(id).size() == 1);
        String line = logFileLines(id).get(0);
        assertTrue(line, line.contains("| WARN  |"));
        assertTrue(line, line.endsWith("| [it.down] corr=it-corr-down inv=" + id + " Asynchronous invocation " + id
                + " of 'it.down' failed, with no callback to tell: java.lang.IllegalStateException: it.down is down"
                + " (stack trace once per service and exception class; the next ones at DEBUG)"));
    }

    /** The lines of data/log/karaf.log that contain some text. */
    private static List<String> logFileLines(String containing) throws IOException {
        Path file = Paths.get(System.getProperty("karaf.log"), "karaf.log");
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.contains(containing)).toList();
    }
}
