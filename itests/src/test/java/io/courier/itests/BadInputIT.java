package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.courier.api.PublishException;
import io.courier.api.Service;
import io.courier.api.ServiceNotFoundException;
import io.courier.core.Json;
import io.courier.testing.karaf.KarafProcess;

/**
 * Bad input at every entry point: console commands, the REST API, service registrations, publish, invoke. Each
 * gets one clear error, stores nothing, and leaves delivery working.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadInputIT extends CourierTestSupport {

    private static final String TARGET = "it.bad.target";
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString((KarafProcess.USER + ":" + KarafProcess.PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Inject
    private ConfigurationAdmin configAdmin;

    @Before
    public void knownServiceThatIsAway() {
        unregister(register(TARGET, new Recorder()));
    }

    @Test
    public void everyBadCommandGetsOneClearLineAndStoresNothing() throws Exception {
        awaitCommands();
        long stored = storedDeliveries();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("courier:publish nobody.known '{}'", "No service named 'nobody.known' has ever registered");
        cases.put("courier:publish /no/subscriber '{}'", "No service subscribes to the shared topic '/no/subscriber'");
        cases.put("courier:publish 'bad name' '{}'", "neither a service name");
        cases.put("courier:publish " + TARGET + " '{not json'", "The data is not valid JSON");
        cases.put("courier:publish --priority 0 " + TARGET + " '{}'", "priority must be between 1 and 9, not 0");
        cases.put("courier:publish --priority 10 " + TARGET + " '{}'", "priority must be between 1 and 9, not 10");
        cases.put("courier:publish --expiration -5 " + TARGET + " '{}'", "--expiration must be a positive number");
        cases.put("courier:publish --bogus " + TARGET + " '{}'", "Undefined option: --bogus");
        cases.put("courier:publish " + TARGET, "Give the data as JSON after the name, or with --file <path>");
        cases.put("courier:publish --file no/such.json " + TARGET, "No file ");
        cases.put("courier:publish --file etc/config.properties " + TARGET, "The data is not valid JSON");
        cases.put("courier:publish --file x.json " + TARGET + " '{}'", "either as JSON after the name or with --file");
        cases.put("courier:invoke nobody.known", "No Courier service named 'nobody.known' is registered");
        cases.put("courier:invoke " + TARGET + " '[1,'", "The payload is not valid JSON");
        cases.put("courier:invoke --timeout 0 " + TARGET, "--timeout must be a positive number");
        cases.put("courier:browse nobody.known", "No service or shared topic named 'nobody.known' is known");
        cases.put("courier:browse --limit 0 " + TARGET, "--limit must be at least 1");
        cases.put("courier:browse --dead --pending " + TARGET, "--dead and --pending exclude each other");
        cases.put("courier:retry", "Give a message id, or --dead <name>");
        cases.put("courier:retry --dead " + TARGET + " some-id", "Give a message id, or --dead <name>");
        cases.put("courier:retry no-such-id", "Message 'no-such-id' has no dead letter");
        cases.put("courier:retry --dead nobody.known", "No service or shared topic named 'nobody.known' is known");
        cases.put("courier:purge nobody.known", "No service or shared topic named 'nobody.known' is known");
        cases.put("courier:purge --force nobody.known", "No service or shared topic named 'nobody.known' is known");
        cases.put("courier:pause nobody.known", "No service or shared topic named 'nobody.known' is known");
        cases.put("courier:resume /nobody", "No service or shared topic named '/nobody' is known");
        cases.put("courier:message no-such-id", "Message 'no-such-id' is not stored");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String out = execute(c.getKey());
            assertTrue(c.getKey() + " printed: " + out, out.contains(c.getValue()));
            assertEquals(c.getKey() + " printed more than one line: " + out, 1, out.strip().lines().count());
        }
        assertEquals("nothing was stored", stored, storedDeliveries());
        assertFalse(execute("courier:publish " + TARGET + " '{\"fine\":true}'").startsWith("ERROR"));
        assertEquals("and a good publish still works", stored + 1, storedDeliveries());
        assertEquals("without --force, purge says how many and what to do, and is no error",
                "'" + TARGET + "' has 1 pending message; nothing was deleted. To delete it for good: courier:purge --force "
                        + TARGET, execute("courier:purge " + TARGET).strip());
        assertEquals("purge without --force deletes nothing", stored + 1, storedDeliveries());
    }

    @Test
    public void hostileRequestsToTheRestApiGetA400WithOneBoundedLineAndStoreNothing() throws Exception {
        String api = awaitApi();
        long stored = storedDeliveries();
        String longId = "c".repeat(2000);
        String quotedLongId = "'" + "c".repeat(100) + "…' (2000 characters)";

        assertError(post(api + "/publish/bad%20name", "{}"), 400, "'bad name' is neither a service name");
        assertError(post(api + "/publish/" + "n".repeat(2000), "{}"), 400,
                "'" + "n".repeat(100) + "…' (2000 characters) is neither a service name");
        assertError(post(api + "/invoke/bad%20name", "{}"), 400,
                "'bad name' is not a service name: a service name may hold only letters, digits, '.', '-' and '_'");
        assertError(get(api + "/browse/bad%20name"), 400, "'bad name' is neither a service name");
        assertError(post(api + "/publish/" + TARGET, "[".repeat(100_000)), 400,
                "The request body is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
        assertError(post(api + "/invoke/" + TARGET, "[".repeat(100_000)), 400,
                "The request body is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
        assertError(post(api + "/publish/" + TARGET, "{\"a\":1} {\"b\":2}"), 400,
                "The request body is not valid JSON: Trailing token");
        byte[] latin1 = "{\"a\":\"café\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(send(HttpRequest.newBuilder(URI.create(api + "/publish/" + TARGET))
                .POST(BodyPublishers.ofByteArray(latin1))), 400,
                "The request body is not valid UTF-8 (from byte offset 9 on): send JSON encoded as UTF-8");
        assertError(send(HttpRequest.newBuilder(URI.create(api + "/publish/" + TARGET))
                .header("X-Courier-Correlation-Id", longId).POST(BodyPublishers.ofString("{}"))), 400,
                "correlationId must be 1 to 200 characters, not blank, without control characters, not " + quotedLongId);
        assertError(send(HttpRequest.newBuilder(URI.create(api + "/publish/" + TARGET))
                .header("X-Courier-Priority", "9".repeat(2000)).POST(BodyPublishers.ofString("{}"))), 400,
                "priority must be a whole number from 1 to 9, not '" + "9".repeat(100) + "…' (2000 characters)");
        assertError(get(api + "/messages/" + longId), 404, "Message " + quotedLongId + " is not stored");
        assertError(post(api + "/retry/" + longId, ""), 404, "Message " + quotedLongId + " is not stored");
        assertEquals("nothing was stored", stored, storedDeliveries());

        // and UTF-8 beyond ASCII is stored as sent (to a known service that is away: the message waits)
        unregister(register("it.bad.web", new Recorder()));
        String text = "café € 😀";
        HttpResponse<String> published = post(api + "/publish/it.bad.web", Json.write(Map.of("text", text)));
        assertEquals(published.body(), 201, published.statusCode());
        String msgId = (String) ((Map<?, ?>) Json.read(published.body())).get("msgId");
        HttpResponse<String> read = get(api + "/messages/" + msgId);
        assertEquals(read.body(), 200, read.statusCode());
        assertEquals(Map.of("text", text), ((Map<?, ?>) Json.read(read.body())).get("data"));
        assertEquals(200, post(api + "/purge/it.bad.web", "").statusCode());
    }

    /** The REST API's base address, once it answers: the distribution's HTTP port, from its configuration. */
    private String awaitApi() throws Exception {
        Configuration[] web = configAdmin.listConfigurations("(service.pid=org.ops4j.pax.web)");
        assertTrue("the distribution configures its HTTP port", web != null && web.length == 1);
        String api = "http://127.0.0.1:" + web[0].getProperties().get("org.osgi.service.http.port") + "/courier/api";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get(api + "/services").statusCode() == 200);
        return api;
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(uri)).GET());
    }

    private static HttpResponse<String> post(String uri, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(uri)).POST(BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", ADMIN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The status, and the error: one line starting as expected, that never quotes more than a bounded prefix. */
    private static void assertError(HttpResponse<String> r, int status, String start) {
        String what = r.request().method() + " " + cut(r.request().uri().toString()) + " answered " + r.statusCode()
                + ": " + cut(r.body());
        assertEquals(what, status, r.statusCode());
        Object error = ((Map<?, ?>) Json.read(r.body())).get("error");
        assertTrue(what, error instanceof String e && e.startsWith(start));
        assertEquals(what, 1, ((String) error).lines().count());
        assertTrue(what + ": the error quotes too much", ((String) error).length() < 400);
    }

    private static String cut(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "… (" + s.length() + " characters)";
    }

    @Test
    public void invalidRegistrationsAreIgnoredAndInvalidSettingsFallBack() {
        List<Object> badNames = List.of("", "/slash.first", "with space", "x".repeat(201), 42, "ünïcödé");
        for (Object name : badNames) {
            bundleContext.registerService(Service.class, (request, ctx) -> null,
                    new java.util.Hashtable<>(Map.of(Service.NAME, name)));
        }
        bundleContext.registerService(Service.class, (request, ctx) -> null, new java.util.Hashtable<>());
        for (Object name : badNames) {
            assertTrue(String.valueOf(name), registry.find(String.valueOf(name)).isEmpty());
        }

        // a subscription that is not a shared topic name is ignored; the service itself works
        Recorder subscriber = new Recorder();
        register("it.bad.subscriber", subscriber, Service.SUBSCRIBE, new String[] { "no-slash", "/it/bad/ok" });
        assertEquals(List.of("/it/bad/ok"), registry.find("it.bad.subscriber").orElseThrow().subscriptions());
        pubsub.publish("/it/bad/ok", "fine");
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.size() == 1);

        // an unparseable delivery setting falls back: "abc" attempts means the default 10, not 1 or 0
        register("it.bad.policy", new Recorder(Integer.MAX_VALUE), "courier.delivery.maxAttempts", "abc",
                "courier.delivery.backoffInitialMs", "20", "courier.delivery.backoffMultiplier", "1");
        pubsub.publish("it.bad.policy", "keeps failing");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.browse("it.bad.policy", false, 0, 1).stream()
                .anyMatch(m -> m.attempts() >= 3));
        assertEquals(0, topic("it.bad.policy").orElseThrow().dead());
    }

    @Test
    public void aMalformedConfigurationFallsBackToDefaultsAndDeliveryGoesOn() throws Exception {
        Configuration config = configAdmin.getConfiguration("io.courier.pubsub", null);
        Dictionary<String, Object> saved = config.getProperties();
        Dictionary<String, Object> bad = new Hashtable<>(Map.of("deliveryThreads", "abc", "maxAttempts", "-1",
                "batchSize", "0", "timeoutMs", "soon"));
        config.update(bad);
        try {
            Recorder still = new Recorder();
            register("it.bad.config", still);
            // pub/sub restarts with the new configuration: reach it through Courier, which follows the restart
            // (the PubSub injected into this test is the instance that stopped)
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> courier.pubsub().publish("it.bad.config", "after a bad configuration") != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> !still.received.isEmpty());
        } finally {
            config.update(saved);
        }
    }

    @Test
    public void badPublishesAndInvokesAreRefusedClearly() {
        long stored = storedDeliveries();
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("me", cyclic);
        assertTrue(assertThrows(PublishException.class, () -> pubsub.publish(TARGET, cyclic)).getMessage()
                .contains("cannot be written as JSON"));
        assertThrows(PublishException.class, () -> pubsub.publish(null, "x"));
        assertThrows(PublishException.class, () -> pubsub.publish("", "x"));
        assertThrows(PublishException.class, () -> pubsub.publish("x".repeat(201), "x"));
        assertThrows(PublishException.class, () -> pubsub.publish(TARGET, "x".repeat(2 * 1024 * 1024)));
        assertEquals(stored, storedDeliveries());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> courier.invoke(null, "x")).getMessage()
                .contains("must not be null"));
        assertThrows(ServiceNotFoundException.class, () -> courier.invoke("", "x"));
        assertThrows(ServiceNotFoundException.class, () -> courier.invokeAsync("nobody.known", "x"));
        assertEquals(Optional.empty(), registry.find(""));
    }
}
