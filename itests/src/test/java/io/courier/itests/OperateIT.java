package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.courier.api.PubSub;
import io.courier.api.PublishException;
import io.courier.api.PublishOptions;
import io.courier.pubsub.ServiceStats;

/**
 * Operating Courier: the console's overview commands, the MBeans, and a configuration change at runtime, each
 * showing what the store and the delivery engine really did.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperateIT extends CourierTestSupport {

    @Inject
    private MBeanServer mbeans;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Test
    public void statsCountWhatHappenedPerService() throws Exception {
        Recorder ok = new Recorder();
        Recorder failing = new Recorder(Integer.MAX_VALUE);
        register("it.op.ok", ok);
        register("it.op.failing", failing, "courier.delivery.maxAttempts", 2, "courier.delivery.backoffInitialMs", 0);
        for (int i = 0; i < 5; i++) {
            pubsub.publish("it.op.ok", Recorder.data(i));
        }
        pubsub.publish("it.op.failing", Recorder.data(0));
        // counted once the batch is acknowledged, a moment after the service handled it
        await().atMost(Duration.ofSeconds(20)).until(() -> ok.received.size() == 5 && admin.stats().stream()
                .anyMatch(s -> s.service().equals("it.op.ok") && s.delivered() == 5) && admin.stats().stream()
                .anyMatch(s -> s.service().equals("it.op.failing") && s.dead() == 1));
        assertEquals("each message handled once", 5, ok.received.size());

        ServiceStats okStats = stats("it.op.ok");
        assertEquals(5, okStats.published());
        assertEquals(5, okStats.delivered());
        assertEquals(0, okStats.failed());
        ServiceStats failingStats = stats("it.op.failing");
        assertEquals(1, failingStats.published());
        assertEquals(0, failingStats.delivered());
        assertEquals(2, failingStats.failed());
        assertEquals(1, failingStats.dead());

        awaitCommands();
        String[] row = row(execute("courier:stats --no-format"), "it.op.failing");
        assertEquals(List.of("it.op.failing", "1", "0", "2", "1"), Arrays.asList(row).subList(0, 5));
        // the rates cover the last full minute: within two seconds the deliveries are part of it
        await().atMost(Duration.ofSeconds(3)).until(() -> stats("it.op.ok").deliveredPerSecond() == 5 / 60.0);
    }

    @Test
    public void nodesListsThisNodeLiveWithItsServices() throws Exception {
        register("it.op.node", new Recorder());
        awaitCommands();
        await("courier:nodes listing this node with it.op.node").atMost(Duration.ofSeconds(10))
                .until(() -> execute("courier:nodes --no-format").contains("it.op.node"));

        // this node's row, marked *: the only one on HSQLDB, one among any of earlier runs on PostgreSQL
        List<String> rows = execute("courier:nodes --no-format").lines().filter(l -> l.startsWith("* ")).toList();
        assertEquals(rows.toString(), 1, rows.size());
        String[] cells = rows.get(0).split("\\s*\t\\s*");
        assertEquals(rows.get(0), "live", cells[4]);
        assertTrue(rows.get(0), Arrays.asList(cells[6].split(", ")).contains("it.op.node"));
    }

    @Test
    public void topicShowsTheTopicAndEachSubscription() throws Exception {
        Recorder a = new Recorder();
        register("it.op.a", a, "courier.subscribe", "/it/op/news");
        register("it.op.b", new Recorder(), "courier.subscribe", "/it/op/news");
        awaitCommands();
        await().atMost(Duration.ofSeconds(10)).until(() -> !execute("courier:pause it.op.b").startsWith("ERROR"));
        String id = pubsub.publish("/it/op/news", Map.of("headline", "calm seas"));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscription("/it/op/news", "it.op.a").delivered() == 1);

        String out = execute("courier:topic /it/op/news");
        assertTrue(out, out.contains(id));
        assertTrue(out, out.contains("{\"headline\":\"calm seas\"}"));
        assertTrue(out, out.contains("shared"));
        String[] b = row(execute("courier:topic --no-format /it/op/news"), "it.op.b");
        assertEquals(List.of("it.op.b", "paused", "1", "0", "0", "0"), Arrays.asList(b).subList(0, 6));
        String[] aRow = row(execute("courier:topic --no-format /it/op/news"), "it.op.a");
        assertEquals(List.of("it.op.a", "delivering", "0", "0", "0", "1"), Arrays.asList(aRow).subList(0, 6));
        String unknown = execute("courier:topic /it/op/nothing");
        assertTrue(unknown, unknown.startsWith("ERROR: No topic named '/it/op/nothing'"));
        execute("courier:resume it.op.b");
    }

    @Test
    public void publishTakesItsDataFromAFile() throws Exception {
        Recorder r = new Recorder();
        register("it.op.file", r);
        Path file = Path.of(System.getProperty("karaf.base"), "data", "it-op-order.json");
        Files.writeString(file, "{\"order\": 42,\n \"lines\": [\"tea\", \"milk\"]}\n");
        awaitCommands();

        String id = execute("courier:publish --priority 7 --file data/it-op-order.json it.op.file").trim();
        await().atMost(Duration.ofSeconds(20)).until(() -> r.received.size() == 1);
        assertEquals(id, r.received.get(0).msgId());
        assertEquals(7, r.received.get(0).priority());
        assertEquals(List.of(Map.of("order", 42, "lines", List.of("tea", "milk"))), r.data());
    }

    @Test
    public void deliveryConfigSaysWhereEachValueComesFrom() throws Exception {
        Configuration c = configAdmin.createFactoryConfiguration("io.courier.delivery", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("service", "it.op.policy");
        props.put("backoffMaxMs", "1234");
        c.update(props);
        try {
            register("it.op.policy", new Recorder(), "courier.delivery.maxAttempts", "3");
            awaitCommands();
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.deliveryPolicy("it.op.policy").stream()
                    .anyMatch(v -> v.key().equals("backoffMaxMs") && v.value().equals("1234")));

            String out = execute("courier:delivery-config --no-format it.op.policy");
            assertEquals(List.of("maxAttempts", "3", "service property courier.delivery.maxAttempts"),
                    Arrays.asList(row(out, "maxAttempts")));
            assertEquals(List.of("backoffMaxMs", "1234", "configuration io.courier.delivery (service=it.op.policy)"),
                    Arrays.asList(row(out, "backoffMaxMs")));
            assertEquals(List.of("timeoutMs", "60000", "default io.courier.pubsub"), Arrays.asList(row(out, "timeoutMs")));
            String unknown = execute("courier:delivery-config nobody.here");
            assertTrue(unknown, unknown.startsWith("ERROR: No service named 'nobody.here'"));
        } finally {
            c.delete();
        }
    }

    @Test
    public void theMBeansShowTheQueuesAndRetryDeadLetters() throws Exception {
        Recorder flaky = new Recorder(1);
        register("it.op.jmx", flaky, "courier.delivery.maxAttempts", 1);
        pubsub.publish("it.op.jmx", Recorder.data(7));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscription("it.op.jmx", "it.op.jmx").dead() == 1);

        ObjectName topics = new ObjectName("io.courier:type=topics");
        ObjectName services = new ObjectName("io.courier:type=services");
        await().atMost(Duration.ofSeconds(10)).until(() -> mbeans.isRegistered(topics) && mbeans.isRegistered(services));
        CompositeData topic = Arrays.stream((CompositeData[]) mbeans.getAttribute(topics, "Topics"))
                .filter(t -> t.get("name").equals("it.op.jmx")).findFirst().orElseThrow();
        assertEquals(1L, topic.get("dead"));
        assertEquals(0L, topic.get("depth"));
        assertTrue((Long) mbeans.getAttribute(topics, "TotalDead") >= 1);
        CompositeData service = Arrays.stream((CompositeData[]) mbeans.getAttribute(services, "Services"))
                .filter(t -> t.get("name").equals("it.op.jmx")).findFirst().orElseThrow();
        assertEquals(true, service.get("registered"));
        assertEquals(1L, service.get("dead"));
        await("the failed attempt in the cluster's failure rate (one node: this one's)").atMost(Duration.ofSeconds(10))
                .until(() -> (Double) mbeans.getAttribute(services, "ClusterFailedPerSecond") >= 1 / 60.0);

        ObjectName nodes = new ObjectName("io.courier:type=nodes");
        await().atMost(Duration.ofSeconds(10)).until(() -> mbeans.isRegistered(nodes));
        CompositeData node = ((CompositeData[]) mbeans.getAttribute(nodes, "Nodes"))[0];
        assertEquals(mbeans.getAttribute(nodes, "ThisNode"), node.get("name"));
        assertEquals("live", node.get("state"));
        assertEquals(1, mbeans.getAttribute(nodes, "LiveNodes"));
        await("the service in this node's heartbeat").atMost(Duration.ofSeconds(10)).until(() -> ((CompositeData[])
                mbeans.getAttribute(nodes, "Nodes"))[0].get("services").toString().contains("it.op.jmx"));

        Object retried = mbeans.invoke(topics, "retryDead", new Object[] { "it.op.jmx" },
                new String[] { String.class.getName() });
        assertEquals(1, retried);
        await().atMost(Duration.ofSeconds(20)).until(() -> flaky.received.size() == 1);
        assertEquals(List.of(Recorder.data(7)), flaky.data());
    }

    @Test
    public void aConfigurationChangeAppliesAtOnceWithoutRestartingPubSub() throws Exception {
        ServiceReference<PubSub> before = bundleContext.getServiceReference(PubSub.class);
        Recorder r = new Recorder();
        register("it.op.config", r);
        Configuration c = configAdmin.getConfiguration("io.courier.pubsub", null);
        Dictionary<String, Object> original = c.getProperties();
        Dictionary<String, Object> changed = new Hashtable<>();
        if (original != null) {
            for (String k : java.util.Collections.list(original.keys())) {
                changed.put(k, original.get(k));
            }
        }
        changed.put("maxMessageSize", "64");
        changed.put("deliveryThreads", "2");
        c.update(changed);
        try {
            String big = "x".repeat(100);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                assertThrows(PublishException.class, () -> pubsub.publish("it.op.config", Map.of("big", big),
                        PublishOptions.defaults()));
                return true;
            });
            pubsub.publish("it.op.config", Map.of("small", 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> r.received.size() == 1);
            assertEquals("pub/sub was not restarted", before.getProperty("service.id"),
                    bundleContext.getServiceReference(PubSub.class).getProperty("service.id"));
        } finally {
            if (original != null) {
                c.update(original);
            } else {
                c.delete();
            }
        }
    }

    private ServiceStats stats(String service) {
        return admin.stats().stream().filter(s -> s.service().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no stats for " + service));
    }

    /** The cells of the --no-format output row whose first cell is {@code first}. */
    private static String[] row(String output, String first) {
        return output.lines().map(l -> Arrays.stream(l.split("\t")).map(String::trim).toArray(String[]::new))
                .filter(cells -> cells.length > 0 && cells[0].equals(first)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in:\n" + output));
    }
}
