package io.courier.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.courier.api.InvocationException;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.Latency;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;

/** Each command as a user runs it in Karaf's shell: its output, and its errors as one line. */
class CommandsTest {

    private static final Instant AT = Instant.parse("2026-03-04T05:06:07.089Z");
    private static final String ERROR = "Error executing command: ";

    private final FakeAdmin admin = new FakeAdmin();
    private final FakeCourier courier = new FakeCourier();
    private final FakeRegistry registry = new FakeRegistry();
    private Console console;

    @BeforeEach
    void startShell() {
        console = new Console(admin, courier, registry);
    }

    @AfterEach
    void stopShell() {
        console.close();
    }

    @Test
    void servicesIsATableWithAHeaderAndRightAlignedNumbersOrPlainRowsWithNoFormat() throws Exception {
        admin.services.add(new ServiceInfo("my.target", Optional.of(new ServiceInfo.Bundle(42, "my.bundle", "1.2.0")),
                3, 0, 1, 1234, 0, Optional.of(AT), false, 1, List.of("node-a", "node-b")));
        admin.services.add(new ServiceInfo("gone.away", Optional.empty(), 0, 0, 0, 7, 2, Optional.empty(), true, 0,
                List.of()));

        List<String> table = console.run("courier:services").lines().toList();
        assertEquals(List.of("Name", "Bundle", "Version", "State", "Depth", "Dead", "Delivered", "Expired",
                "Last delivery", "Nodes"), cells(table.get(0)), table.get(0));
        assertTrue(table.get(1).matches("[-+]+"), "a rule under the header: " + table.get(1));
        assertEquals(List.of("my.target", "42 my.bundle", "1.2.0", "active, 1 hung", "3", "1", "1234", "0",
                Format.time(AT), "node-a, node-b"), cells(table.get(2)));
        assertTrue(table.get(2).contains("|     3 |"), "numbers are right-aligned: " + table.get(2));
        assertEquals(List.of("gone.away", "-", "-", "unregistered, paused", "0", "0", "7", "2", "-", "-"),
                cells(table.get(3)));

        List<String> plain = console.run("courier:services --no-format").lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2, plain.size(), "no header, no rule: " + plain);
        assertFalse(plain.get(0).contains("|"), plain.get(0));
        assertEquals(List.of("my.target", "42 my.bundle", "1.2.0", "active, 1 hung", "3", "1", "1234", "0",
                Format.time(AT), "node-a, node-b"), List.of(plain.get(0).split("\\s*\t\\s*")), "tab-separated for scripts: " + plain.get(0));
    }

    @Test
    void databaseShowsWhereEachSettingComesFromAndNeverThePassword() throws Exception {
        String shown = console.run("courier:database");
        assertTrue(shown.contains("PostgreSQL 15.18"), shown);
        assertTrue(shown.contains("jdbc:postgresql://db.example:5432/courier"), shown);
        assertTrue(shown.contains("COURIER_DB_URL (environment)"), shown);
        assertTrue(shown.contains("(set, not shown)"), shown);
        assertTrue(shown.contains("open"), shown);

        admin.database = new io.courier.pubsub.DatabaseInfo("PostgreSQL", "jdbc:postgresql://db.example:5432/courier",
                "url in etc/io.courier.database.cfg", "courier", "user in etc/io.courier.database.cfg", true,
                "password in etc/io.courier.database.cfg", false, "PostgreSQL at jdbc:postgresql://db.example:5432/"
                        + "courier: FATAL: password authentication failed for user \"courier\" (check user in"
                        + " etc/io.courier.database.cfg and password in etc/io.courier.database.cfg)", null);
        String down = console.run("courier:database");
        assertTrue(down.contains("not open: PostgreSQL at"), down);
        assertTrue(down.contains("password authentication failed"), down);
    }

    @Test
    void nodesShowsEachNodeWithItsStateAndMarksThisOne() throws Exception {
        admin.nodes.add(new NodeInfo("node-a", "host-a:8181", AT, AT.plusSeconds(60), 400, NodeInfo.State.LIVE, true,
                List.of("billing", "orders"), 3));
        admin.nodes.add(new NodeInfo("node-b", "host-b:8181", AT, AT.plusSeconds(30), 95_000, NodeInfo.State.GONE,
                false, List.of(), 0));

        List<String> rows = console.run("courier:nodes --no-format").lines().filter(l -> !l.isBlank()).toList();

        assertEquals(List.of("* node-a", "host-a:8181", Format.time(AT), "0.4 s ago", "live", "3", "billing, orders"),
                List.of(rows.get(0).split("\\s*\t\\s*")), rows.get(0));
        assertEquals(List.of("node-b", "host-b:8181", Format.time(AT), "95 s ago", "gone", "0", "-"),
                List.of(rows.get(1).split("\\s*\t\\s*")), rows.get(1));
    }

    @Test
    void topicsShowsEachTopicWithItsLastDataCut() throws Exception {
        admin.topics.add(new TopicInfo("/orders/created", true, List.of("audit", "billing"), 4, 1, 2,
                Optional.of("m-9"), Optional.of(AT), Optional.of("{\"order\":\"" + "x".repeat(100) + "\"}")));
        admin.topics.add(new TopicInfo("quiet", false, List.of("quiet"), 0, 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty()));

        List<String> rows = console.run("courier:topics").lines().toList();
        assertEquals(List.of("Topic", "Kind", "Subscribers", "Depth", "In flight", "Dead", "Last message",
                "Last published", "Last data"), cells(rows.get(0)));
        List<String> orders = cells(rows.get(2));
        assertEquals(List.of("/orders/created", "shared", "audit, billing", "4", "1", "2", "m-9", Format.time(AT)),
                orders.subList(0, 8));
        assertEquals(40, orders.get(8).length(), orders.get(8));
        assertTrue(orders.get(8).startsWith("{\"order\":\"xxx") && orders.get(8).endsWith("…"), orders.get(8));
        assertEquals(List.of("quiet", "service", "quiet", "0", "0", "0", "-", "-", "-"), cells(rows.get(3)));
    }

    @Test
    void topicShowsItsFiguresThenEachSubscription() throws Exception {
        admin.topics.add(new TopicInfo("/orders/created", true, List.of("audit"), 4, 1, 2, Optional.of("m-9"),
                Optional.of(AT), Optional.of("{\"n\":1}")));
        admin.subscriptions.add(new SubscriptionInfo("/orders/created", "audit", 4, 1, 2, 10, 0, Optional.of(AT), true));

        String out = console.run("courier:topic /orders/created");
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("Last data", "{\"n\":1}"))), out);
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("Depth", "4"))), out);
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("audit", "paused", "4", "1", "2", "10", "0",
                Format.time(AT)))), out);

        assertEquals(ERROR + "No topic named '/nothing' is known (courier:topics lists them)",
                console.error("courier:topic /nothing"));
        assertMissingArgument("courier:topic", "name");
    }

    @Test
    void statsSaysSinceWhenUnlessNoFormat() throws Exception {
        List<Long> counts = new ArrayList<>(Collections.nCopies(Latency.bucket(40) + 1, 0L));
        counts.set(Latency.bucket(3), 98L);
        counts.set(Latency.bucket(40), 2L);
        admin.stats.add(new ServiceStats("my.target", 10, 8, 3, 1, 0.5, 0.25, 1.0 / 3, new Latency(counts)));

        List<String> out = console.run("courier:stats").lines().toList();
        assertEquals("Since " + Format.time(admin.statsSince) + "; rates: last minute's average", out.get(0));
        assertEquals(List.of("my.target", "10", "8", "3", "1", "0.50", "0.25", "0.33", "3",
                String.valueOf(Latency.upperBoundMs(Latency.bucket(40)))), cells(out.get(3)));

        List<String> plain = console.run("courier:stats --no-format").lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, plain.size(), plain.toString());
        assertTrue(plain.get(0).startsWith("my.target\t"), plain.get(0));
    }

    @Test
    void statsOfTheClusterAddUpTheLiveNodesAndNodesShowsEachNodesOwn() throws Exception {
        ServiceStats onA = new ServiceStats("my.target", 10, 8, 3, 1, 0.5, 0.25, 0, Latency.NONE);
        ServiceStats onB = new ServiceStats("my.target", 5, 6, 0, 0, 0.25, 0.5, 0, null);
        admin.nodeStats.add(new NodeStats("node-a", AT, List.of(onA)));
        admin.nodeStats.add(new NodeStats("node-b", AT, List.of(onB)));
        admin.clusterStats.add(onA.plus(onB));

        List<String> out = console.run("courier:stats --cluster").lines().toList();
        assertTrue(out.get(0).startsWith("Live nodes with figures: node-a since " + Format.time(AT) + ", node-b since "),
                out.get(0));
        assertEquals(List.of("my.target", "15", "14", "3", "1", "0.75", "0.75", "0.00", "-", "-"), cells(out.get(3)));

        List<List<String>> perNode = console.run("courier:stats --nodes --no-format").lines().filter(l -> !l.isBlank())
                .map(l -> List.of(l.strip().split("\\s*\t\\s*"))).toList();
        assertEquals(List.of(List.of("node-a", "my.target", "10", "8", "3", "1", "0.50", "0.25", "0.00", "-", "-"),
                List.of("node-b", "my.target", "5", "6", "0", "0", "0.25", "0.50", "0.00", "-", "-")), perNode);

        assertEquals(ERROR + "--cluster and --nodes exclude each other; give one or neither",
                console.error("courier:stats --cluster --nodes"));
    }

    @Test
    void deliveryConfigShowsEachValueWithItsSourceAndSaysWhenTheServiceIsAway() throws Exception {
        admin.policies.put("my.target", List.of(new PolicyValue("maxAttempts", "5", "service property"),
                new PolicyValue("timeoutMs", "30000", "io.courier.pubsub")));

        String away = console.run("courier:delivery-config my.target");
        assertTrue(away.lines().anyMatch(l -> cells(l).equals(List.of("maxAttempts", "5", "service property"))), away);
        assertTrue(away.contains("'my.target' is not registered now: its own courier.delivery.* properties, if any,"
                + " apply once it registers again"), away);

        registry.registered.add("my.target");
        assertFalse(console.run("courier:delivery-config my.target").contains("not registered now"));
        assertFalse(console.run("courier:delivery-config --no-format my.target").contains("Key"));

        assertEquals(ERROR + "No service named 'nobody' is known (courier:services lists them)",
                console.error("courier:delivery-config nobody"));
        assertMissingArgument("courier:delivery-config", "service");
    }

    @Test
    void browseListsPendingThenDeadAndRefusesContradictoryOptions() throws Exception {
        admin.subscriptions.add(new SubscriptionInfo("my.target", "my.target", 1, 0, 1, 0, 0, Optional.empty(), false));
        admin.queued.add(queued("m-1", false, "{\"n\":1}"));
        admin.queued.add(queued("m-2", true, "{\"n\":2}"));

        List<String> rows = console.run("courier:browse my.target").lines().toList();
        assertEquals(List.of("m-1", "my.target", "pending", "5", Format.time(AT), "0", Format.time(AT), "-", "{\"n\":1}"),
                cells(rows.get(2)));
        assertEquals(List.of("m-2", "my.target", "dead", "5", Format.time(AT), "3", "-", "boom", "{\"n\":2}"),
                cells(rows.get(3)));
        assertFalse(console.run("courier:browse --dead my.target").contains("m-1"));
        assertFalse(console.run("courier:browse --pending my.target").contains("m-2"));

        admin.queued.clear();
        assertTrue(console.run("courier:browse my.target").contains("No pending message and no dead letter for"
                + " 'my.target'"));
        assertEquals(ERROR + "--dead and --pending exclude each other; give one or neither",
                console.error("courier:browse --dead --pending my.target"));
        assertEquals(ERROR + "--limit must be at least 1 and --offset at least 0",
                console.error("courier:browse --limit 0 my.target"));
        assertEquals(ERROR + "No service or shared topic named 'nobody' is known (courier:services and courier:topics"
                + " list them)", console.error("courier:browse nobody"));
        assertMissingArgument("courier:browse", "name");
    }

    @Test
    void messageShowsItsMetadataWhereItWaitsAndItsDataIndented() throws Exception {
        admin.messages.put("m-1", new MessageDetails("m-1", "my.target", "application/json", 7, AT, Optional.empty(),
                "corr-1", Optional.empty(), Optional.empty(), Optional.of("my.source"), "{\"a\":[1,2]}",
                List.of(queued("m-1", true, "{\"a\":[1,2]}"))));

        String out = console.run("courier:message m-1");
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("Priority", "7"))), out);
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("Correlation id", "corr-1"))), out);
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("Publisher", "my.source"))), out);
        assertTrue(out.lines().anyMatch(l -> cells(l).equals(List.of("my.target", "dead", "3", "-", "boom"))), out);
        assertTrue(out.contains("{\n  \"a\" : [ 1, 2 ]\n}"), out);

        assertEquals(ERROR + "Message 'm-0' is not stored: it was delivered, purged, or never published"
                + " (courier:browse <name> lists them)", console.error("courier:message m-0"));
        assertMissingArgument("courier:message", "message id");
    }

    @Test
    void publishPrintsTheIdAndRefusesBadInputInOneLine() throws Exception {
        courier.services.put("my.target", payload -> payload);

        assertEquals("msg-1", console.run("courier:publish --priority 9 --correlation-id c-1 my.target '{\"a\":1}'")
                .strip());
        assertEquals(List.of("my.target {a=1} priority 9 correlation c-1"), courier.published);

        assertTrue(console.error("courier:publish my.target '{\"a\":'").startsWith(ERROR
                + "The data is not valid JSON: Unexpected end-of-input"));
        assertEquals(ERROR + "priority must be between 1 and 9, not 0",
                console.error("courier:publish --priority 0 my.target '{}'"));
        assertEquals(ERROR + "Give the data as JSON after the name, or with --file <path>",
                console.error("courier:publish my.target"));
        assertEquals(ERROR + "No service named 'nobody' has ever registered with Courier, nothing was published"
                + " (courier:services lists the known services)", console.error("courier:publish nobody '{}'"));
        assertEquals(1, courier.published.size(), "nothing more was published");
        assertMissingArgument("courier:publish", "name");
    }

    @Test
    void invokePrintsTheResponseAsIndentedJson() throws Exception {
        courier.services.put("echo", payload -> Map.of("got", payload));
        courier.services.put("silent", payload -> null);

        assertEquals("{\n  \"got\" : {\n    \"a\" : 1\n  }\n}", console.run("courier:invoke echo '{\"a\":1}'").strip());
        assertEquals("null (no response)", console.run("courier:invoke silent").strip());
        assertEquals(ERROR + "No Courier service named 'nobody' is registered (courier:services lists them)",
                console.error("courier:invoke nobody"));
        assertEquals(ERROR + "--timeout must be a positive number of milliseconds, not 0",
                console.error("courier:invoke --timeout 0 echo"));
        assertMissingArgument("courier:invoke", "service");
    }

    @Test
    void invokeOfAThrowingServiceIsOneLineLikeAnyOtherError() {
        courier.services.put("stock", payload -> {
            throw new IllegalStateException("out of stock:\n  item 17\n  warehouse B");
        });
        courier.services.put("checked", payload -> {
            throw new InvocationException("checked", new java.io.IOException("disk full"));
        });

        assertEquals(ERROR + "Service 'stock' threw java.lang.IllegalStateException: out of stock: item 17 warehouse B",
                console.error("courier:invoke stock"));
        assertEquals(ERROR + "Service 'checked' failed: java.io.IOException: disk full", console.error("courier:invoke checked"));
    }

    @Test
    void invokeAsyncPrintsTheInvocationIdAtOnce() throws Exception {
        courier.services.put("echo", payload -> payload);
        assertEquals("invocation-1", console.run("courier:invoke-async echo '{}'").strip());
        assertEquals(ERROR + "No Courier service named 'nobody' is registered (courier:services lists them)",
                console.error("courier:invoke-async nobody"));
    }

    @Test
    void retryTakesAMessageIdOrDeadAndAName() throws Exception {
        admin.subscriptions.add(new SubscriptionInfo("my.target", "my.target", 0, 0, 2, 0, 0, Optional.empty(), false));
        admin.queued.add(queued("m-1", true, "{}"));
        admin.queued.add(queued("m-2", true, "{}"));

        assertEquals("Retrying 1 dead letter of message m-1", console.run("courier:retry m-1").strip());
        assertEquals("Retrying 2 dead letters of 'my.target'", console.run("courier:retry --dead my.target").strip());
        assertEquals(ERROR + "Message 'm-9' has no dead letter (courier:browse --dead <name> lists them)",
                console.error("courier:retry m-9"));
        String either = ERROR + "Give a message id, or --dead <name> for every dead letter of a service or shared topic";
        assertEquals(either, console.error("courier:retry"));
        assertEquals(either, console.error("courier:retry --dead my.target m-1"));
    }

    @Test
    void purgeWithoutForceSaysHowManyAndWhatToDoAndDeletesNothing() throws Exception {
        admin.subscriptions.add(new SubscriptionInfo("my.target", "my.target", 2, 0, 1, 0, 0, Optional.empty(), false));
        admin.queued.add(queued("m-1", false, "{}"));
        admin.queued.add(queued("m-2", false, "{}"));
        admin.queued.add(queued("m-3", true, "{}"));

        assertEquals("'my.target' has 2 pending messages; nothing was deleted. To delete them for good:"
                + " courier:purge --force my.target", console.run("courier:purge my.target").strip());
        assertEquals("'my.target' has 1 dead letter; nothing was deleted. To delete it for good:"
                + " courier:purge --dead --force my.target", console.run("courier:purge --dead my.target").strip());
        assertEquals(List.of(), admin.done, "nothing was deleted");

        assertEquals("Deleted 2 pending messages of 'my.target'", console.run("courier:purge --force my.target").strip());
        assertEquals("Deleted 1 dead letter of 'my.target'", console.run("courier:purge --dead --force my.target").strip());
        assertEquals(List.of("purge my.target pending", "purge my.target dead"), admin.done);

        admin.subscriptions.set(0, new SubscriptionInfo("my.target", "my.target", 0, 0, 0, 0, 0, Optional.empty(), false));
        assertEquals("'my.target' has no pending messages: nothing to delete", console.run("courier:purge my.target").strip());
        String unknown = ERROR + "No service or shared topic named 'nobody' is known (courier:services and"
                + " courier:topics list them)";
        assertEquals(unknown, console.error("courier:purge nobody"));
        assertEquals(unknown, console.error("courier:purge --force nobody"));
        assertMissingArgument("courier:purge", "name");
    }

    @Test
    void pauseAndResumeSayWhatTheyDid() throws Exception {
        admin.subscriptions.add(new SubscriptionInfo("my.target", "my.target", 0, 0, 0, 0, 0, Optional.empty(), false));

        assertEquals("Delivery to 'my.target' paused: messages wait until courier:resume my.target",
                console.run("courier:pause my.target").strip());
        assertEquals("Delivery to 'my.target' resumed", console.run("courier:resume my.target").strip());
        assertEquals(List.of("pause my.target", "resume my.target"), admin.done);
        assertTrue(console.error("courier:pause /nobody").startsWith(ERROR + "No service or shared topic named"
                + " '/nobody' is known"));
    }

    @Test
    void anUnknownOptionGetsKarafsOwnErrorWithItsHint() {
        String error = console.error("courier:services --bogus");
        assertEquals("Error executing command courier:services: undefined option --bogus", error.lines().findFirst()
                .orElseThrow(), error);
        assertTrue(error.contains("--help"), error);
    }

    /** Karaf's own error for a required argument left out: one line naming it. */
    private void assertMissingArgument(String command, String argument) {
        String error = console.error(command);
        assertTrue(error.contains("argument " + argument + " is required"), command + ": " + error);
        assertEquals(1, error.strip().lines().count(), command + ": " + error);
    }

    private static QueuedMessage queued(String msgId, boolean dead, String data) {
        return new QueuedMessage(msgId, "my.target", "my.target", 5, AT, dead ? 3 : 0, AT,
                dead ? Optional.of("boom") : Optional.empty(), dead, data);
    }

    /** The cells of a bordered table's row. */
    private static List<String> cells(String row) {
        return List.of(row.strip().split("\\s*\\|\\s*"));
    }
}
