package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
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

/**
 * Bad input at every entry point: console commands, service registrations, publish, invoke. Each gets one
 * clear error, stores nothing, and leaves delivery working.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadInputIT extends CourierTestSupport {

    private static final String TARGET = "it.bad.target";

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
        String purge = execute("courier:purge " + TARGET);
        assertTrue(purge, purge.contains("This deletes the 1 pending messages of '" + TARGET + "' for good: run it again"
                + " with --force"));
        assertEquals("purge without --force deletes nothing", stored + 1, storedDeliveries());
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
