package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.courier.testing.karaf.KarafProcess;
import io.courier.testing.karaf.PostgresDatabase;
import io.courier.testing.postgresql.PostgresServer;

/**
 * PostgreSQL's own faults, at process level: the distribution runs on a PostgreSQL server of this test's own while
 * REST clients keep publishing to {@code itest.recorder}, which takes a few milliseconds per message so that a
 * backlog waits in the store. The server is stopped cleanly, or its postmaster is killed with SIGKILL while
 * publishes are being committed, then started again. Meanwhile publishes fail with 503 and an error that says the
 * store is unreachable or the message could not be stored, and delivery pauses and says so; once the server is
 * back, publishing and delivery resume by themselves, and every publish that was acknowledged (201 with its id) is
 * delivered.
 */
public class PostgresFaultIT {

    private static final String RECORDER = "itest.recorder";
    private static final int PUBLISHERS = 4;
    /** Deliveries are over when none has arrived for this long (or when every message arrived). */
    private static final Duration QUIET = Duration.ofSeconds(20);
    /** What a publish may answer while the database is away: 503, and why. */
    private static final Pattern EXPECTED_FAILURE = Pattern.compile(
            "503 (The store is unreachable: |The message could not be stored).*");
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString((KarafProcess.USER + ":" + KarafProcess.PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static PostgresServer postgres;
    private static KarafProcess karaf;

    @BeforeClass
    public static void startPostgresAndKaraf() throws Exception {
        postgres = PostgresServer.startNew();
        karaf = KarafProcess.withTestServices("postgres-fault");
        karaf.usePostgres(PostgresDatabase.create(postgres, "postgres_fault"));
        karaf.start();
        await("the REST API answering, itest.recorder registered").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get("/services").body().contains(RECORDER));
        StoreDatabase.assertInUse(karaf);
        assertTrue(karaf.client("courier:invoke " + RECORDER + " '{\"delayMs\":5}'").contains("5"));
    }

    @AfterClass
    public static void stopKarafAndPostgres() throws Exception {
        try {
            if (karaf != null) {
                karaf.stop();
                karaf.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    public void stoppedAndStartedAgainUnderLoadNothingAcknowledgedIsLost() throws Exception {
        faultUnderLoad("stopped (pg_ctl stop -m fast)", postgres::stop);
    }

    @Test
    public void postmasterKilledMidCommitNothingAcknowledgedIsLost() throws Exception {
        faultUnderLoad("postmaster killed with SIGKILL", postgres::kill);
    }

    /**
     * Publishes without pause, brings {@code fault} on the server, checks that publishes fail clearly and delivery
     * pauses, starts the server again, checks that both resume by themselves, and that every acknowledged publish
     * is delivered.
     */
    private static void faultUnderLoad(String what, Runnable fault) throws Exception {
        postgres.start(); // in case an earlier test left it down
        Path delivered = karaf.data("itest/delivered.log");
        Path log = karaf.data("log/karaf.log");
        int pausesBefore = count(log, "' paused, the store failed");
        int resumesBefore = count(log, "' resumed: the store answers again");
        List<String> acked;
        List<String> failures;
        int inFlightAtFault;
        int waitingAtPause;
        long resumedMs;
        try (RestPublishers load = new RestPublishers(PUBLISHERS)) {
            await("publishes acknowledged before the fault").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> load.acked().size() >= 300);

            inFlightAtFault = load.inFlight();
            fault.run();
            assertTrue("no publish was under way when the server was " + what, inFlightAtFault > 0);
            await("publishes failing with the server " + what).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> !load.failures().isEmpty());
            // delivery pauses: nothing more is delivered while acknowledged messages wait, and the log says so
            AtomicInteger lastSeen = new AtomicInteger(-1);
            await("delivery paused with the server " + what).during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        int now = KarafProcess.lines(delivered).size();
                        return now == lastSeen.getAndSet(now);
                    });
            waitingAtPause = KarafProcess.missing(load.acked(), KarafProcess.lines(delivered)).size();
            assertTrue("no acknowledged message was waiting when the server was " + what
                    + ": the pause of delivery was not tested", waitingAtPause > 0);
            await("karaf.log saying that delivery paused").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> count(log, "' paused, the store failed")
                            > pausesBefore);

            int ackedAtRestart = load.acked().size();
            long restarting = System.nanoTime();
            postgres.start();
            await("publishes acknowledged again after the server started").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> load.acked().size() >= ackedAtRestart + 100);
            resumedMs = (System.nanoTime() - restarting) / 1_000_000;
            acked = load.acked();
            failures = load.failures();
        }
        long draining = System.nanoTime();
        KarafProcess.awaitIds(delivered, acked, QUIET, Duration.ofMinutes(3));
        long drainMs = (System.nanoTime() - draining) / 1_000_000;

        List<String> deliveries = KarafProcess.lines(delivered);
        List<String> lost = KarafProcess.missing(acked, deliveries);
        Set<String> ackedSet = new HashSet<>(acked);
        long repeated = KarafProcess.repeated(deliveries).stream().filter(ackedSet::contains).count();
        List<String> unexpected = failures.stream().filter(f -> !EXPECTED_FAILURE.matcher(f).matches()).toList();
        System.out.printf("PostgreSQL %s under %d REST publishers: acknowledged %d, publishes in flight at the fault"
                + " %d, failed publishes %d (first: %s), acknowledged messages waiting while delivery paused %d,"
                + " publishing again %d ms after the start began, deliveries over %d ms later, lost %d, delivered"
                + " more than once %d%n",
                what, PUBLISHERS, acked.size(), inFlightAtFault, failures.size(), failures.get(0), waitingAtPause,
                resumedMs, drainMs, lost.size(), repeated);
        assertEquals("publishes that failed otherwise than with 503 and 'The store is unreachable' or 'The message"
                + " could not be stored': " + unexpected.subList(0, Math.min(10, unexpected.size())), 0,
                unexpected.size());
        assertEquals("acknowledged but never delivered (in acknowledgement order): " + KarafProcess.describe(lost),
                0, lost.size());
        assertTrue("karaf.log says that delivery resumed", count(log, "' resumed: the store answers again")
                > resumesBefore);
    }

    /** How many lines of {@code file} contain {@code text}. */
    private static int count(Path file, String text) {
        return (int) KarafProcess.lines(file).stream().filter(l -> l.contains(text)).count();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(karaf.httpUrl() + "/courier/api" + path))
                .header("Authorization", ADMIN).timeout(Duration.ofSeconds(30)).build(),
                BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * REST clients, each publishing to {@code itest.recorder} one message after the other until closed, as an
     * application would; after a failure, a client waits 100 ms before its next publish.
     */
    private static final class RestPublishers implements AutoCloseable {

        private final URI uri = URI.create(karaf.httpUrl() + "/courier/api/publish/" + RECORDER);
        private final List<String> acked = Collections.synchronizedList(new ArrayList<>());
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger inFlight = new AtomicInteger();
        private final CountDownLatch closed = new CountDownLatch(1);
        private final List<Thread> threads = new ArrayList<>();

        RestPublishers(int count) {
            for (int t = 0; t < count; t++) {
                int client = t;
                Thread thread = new Thread(() -> publishUntilClosed(client), "rest-publisher-" + t);
                thread.start();
                threads.add(thread);
            }
        }

        private void publishUntilClosed(int client) {
            try {
                for (int i = 0; closed.getCount() > 0; i++) {
                    String failure = publish("{\"client\":" + client + ",\"i\":" + i + "}");
                    if (failure != null) {
                        failures.add(failure);
                        closed.await(100, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Publishes once: null if acknowledged (its id is then in {@link #acked}), else the status and error. */
        private String publish(String json) throws InterruptedException {
            inFlight.incrementAndGet();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", ADMIN)
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
                JsonNode body = JSON.readTree(r.body());
                if (r.statusCode() == 201) {
                    acked.add(body.get("msgId").asText());
                    return null;
                }
                return r.statusCode() + " " + body.path("error").asText(r.body());
            } catch (IOException | RuntimeException e) {
                return "no answer, or not JSON: " + e;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        List<String> acked() {
            synchronized (acked) {
                return List.copyOf(acked);
            }
        }

        List<String> failures() {
            synchronized (failures) {
                return List.copyOf(failures);
            }
        }

        /** Publishes sent and not answered yet. */
        int inFlight() {
            return inFlight.get();
        }

        @Override
        public void close() throws InterruptedException {
            closed.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
