package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

import io.courier.testing.karaf.KarafProcess;

/**
 * What Karaf users do to bundles while messages flow: restart Courier's own pub/sub bundle, stop and start a
 * service's bundle, update it, uninstall and install a feature. Messages published meanwhile wait and arrive;
 * nothing acknowledged is lost and nothing ends dead. The receiving service has one attempt per message
 * ({@code maxAttempts = 1}): a delivery cut short by a restart and wrongly counted as a failure would be a dead
 * letter.
 */
public class LifecycleIT {

    private static final Pattern MSG_ID = Pattern.compile("^[0-9a-f]{32}$", Pattern.MULTILINE);

    @Test
    public void bundleAndFeatureOperationsUnderLoadLoseNothing() throws Exception {
        try (KarafProcess karaf = KarafProcess.withTestServices("lifecycle")) {
            Path acked = karaf.data("itest/acked.log");
            Path delivered = karaf.data("itest/delivered.log");
            Set<String> ackedByShell = new HashSet<>();
            Files.write(karaf.home().resolve("etc/io.courier.delivery-itest.recorder.cfg"),
                    List.of("service = itest.recorder", "maxAttempts = 1"));
            karaf.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> karaf.client("courier:services").contains("itest.load"));
            assertTrue(karaf.client("courier:delivery-config --no-format itest.recorder").lines()
                    .anyMatch(l -> l.matches("maxAttempts\\s+1\\s.*")));

            // pub/sub restarted three times while 400 messages taking 50 ms each (20 s in all) are being delivered
            assertTrue(karaf.client("courier:invoke itest.recorder '{\"delayMs\":50}'").contains("50"));
            int before = KarafProcess.lines(acked).size();
            assertTrue(karaf.client("courier:invoke itest.load '{\"threads\":4,\"count\":100}'")
                    .contains("\"started\" : 4"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> KarafProcess.lines(acked).size() >= before + 400);
            for (int i = 0; i < 3; i++) {
                karaf.client("bundle:restart courier-pubsub");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> karaf.client("courier:services").contains("itest.recorder"));
            }
            List<String> slow = KarafProcess.lines(acked).subList(before, before + 400);
            int deliveredDuringRestarts = 400 - KarafProcess.missing(slow, KarafProcess.lines(delivered)).size();
            KarafProcess.awaitIds(delivered, slow, Duration.ofSeconds(20), Duration.ofMinutes(2));
            assertEquals("delivered after three restarts of pub/sub, of 400", List.of(),
                    KarafProcess.missing(slow, KarafProcess.lines(delivered)));
            assertTrue("the restarts came after the delivery had ended: nothing was tested",
                    deliveredDuringRestarts < 400);
            System.out.printf("lifecycle, maxAttempts = 1: 400 acknowledged, %d delivered by the end of the three"
                    + " restarts, all 400 afterwards%n", deliveredDuringRestarts);
            assertTrue(karaf.client("courier:invoke itest.recorder '{\"delayMs\":0}'").contains("0"));

            // Courier's own pub/sub bundle restarts under load: publishers see clear errors, then it works again
            startLoad(karaf);
            awaitMoreAcked(acked, 200);
            karaf.client("bundle:restart courier-pubsub");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> publish(karaf, "itest.recorder", ackedByShell));

            // the service's bundle stopped: messages wait; started again: they arrive
            karaf.client("bundle:stop courier-itest-services");
            assertTrue(karaf.client("courier:services --no-format").contains("unregistered"));
            for (int i = 0; i < 5; i++) {
                assertTrue(publish(karaf, "itest.recorder", ackedByShell));
            }
            karaf.client("bundle:start courier-itest-services");

            // updated in place under load
            startLoad(karaf);
            awaitMoreAcked(acked, 200);
            karaf.client("bundle:update courier-itest-services");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> karaf.client("courier:services").contains("itest.load"));

            // a feature uninstalled: its services' messages wait; installed again: they arrive
            karaf.client("feature:uninstall courier-examples");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> karaf
                    .client("courier:services --no-format").lines().anyMatch(l -> l.startsWith("my.target")
                            && l.contains("unregistered")));
            assertTrue(publish(karaf, "my.target", new HashSet<>()));
            assertTrue(publish(karaf, "my.target", new HashSet<>()));
            karaf.client("feature:install courier-examples");

            Set<String> all = new HashSet<>(KarafProcess.lines(acked));
            all.addAll(ackedByShell);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> new HashSet<>(KarafProcess.lines(delivered)).containsAll(all));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> karaf
                    .client("courier:topics --no-format").lines().filter(l -> l.startsWith("my.target"))
                    .allMatch(l -> l.split("\t")[3].trim().equals("0")));
            List<String> deliveries = KarafProcess.lines(delivered);
            long dead = karaf.client("courier:services --no-format").lines().map(l -> l.split("\t"))
                    .mapToLong(c -> Long.parseLong(c[5].trim())).sum();
            System.out.printf("lifecycle: acknowledged %d, delivered %d, duplicates %d, dead %d%n", all.size(),
                    new HashSet<>(deliveries).size(), deliveries.size() - new HashSet<>(deliveries).size(), dead);
            assertEquals("no message ends dead because of a restart", 0, dead);
            karaf.stop();
        }
    }

    private static void startLoad(KarafProcess karaf) throws Exception {
        assertTrue(karaf.client("courier:invoke itest.load '{\"threads\":4}'").contains("\"started\" : 4"));
    }

    private static void awaitMoreAcked(Path acked, int more) {
        int before = KarafProcess.lines(acked).size();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> KarafProcess.lines(acked).size() >= before + more);
    }

    /** Publishes through the shell; true, with the id recorded, if the publish was acknowledged. */
    private static boolean publish(KarafProcess karaf, String name, Set<String> acked) throws Exception {
        Matcher id = MSG_ID.matcher(karaf.client("courier:publish " + name + " '{\"shell\":true}'"));
        if (id.find()) {
            acked.add(id.group());
            return true;
        }
        return false;
    }
}
