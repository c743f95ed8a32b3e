package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.Test;

/**
 * The durability promise at process level: with the built distribution running and the test services dropped
 * into deploy/, 500 messages are published to a service that takes 100 of them, then holds the next one as if
 * busy with it; Karaf is killed with SIGKILL there, mid-delivery, and
 * started again; every message whose publish returned is delivered. Duplicates (at-least-once) are counted and
 * reported, not failed on.
 */
public class KillRecoveryIT {

    private static final int MESSAGES = 500;

    @Test
    public void everyAcknowledgedMessageIsDeliveredAfterKillMinus9() throws Exception {
        try (KarafProcess karaf = KarafProcess.withTestServices("kill-recovery")) {
            Path acked = karaf.data("itest/acked.log");
            Path delivered = karaf.data("itest/delivered.log");

            karaf.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String services = karaf.client("courier:services");
                return services.contains("itest.publisher") && services.contains("itest.recorder");
            });

            // the recorder takes the first fifth, then holds the next message: the kill lands mid-delivery
            assertTrue(karaf.client("courier:invoke itest.recorder '{\"holdAfter\":" + MESSAGES / 5 + "}'")
                    .contains("holdingAfter"));
            String published = karaf.client("courier:invoke itest.publisher '{\"count\":" + MESSAGES + "}'");
            assertTrue(published, published.contains("\"published\" : " + MESSAGES));
            assertEquals(MESSAGES, KarafProcess.lines(acked).size());

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> KarafProcess.lines(delivered).size() >= MESSAGES / 5);
            karaf.kill9();
            int deliveredBeforeKill = KarafProcess.lines(delivered).size();
            assertTrue("the kill must land mid-delivery, " + deliveredBeforeKill + " of " + MESSAGES + " delivered",
                    deliveredBeforeKill < MESSAGES);

            long restart = System.nanoTime();
            karaf.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> KarafProcess.lines(delivered).size() > deliveredBeforeKill);
            long recoveryMs = (System.nanoTime() - restart) / 1_000_000;

            Set<String> ackedIds = new HashSet<>(KarafProcess.lines(acked));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> new HashSet<>(KarafProcess.lines(delivered)).containsAll(ackedIds));
            karaf.stop();

            List<String> deliveries = KarafProcess.lines(delivered);
            Set<String> unique = new HashSet<>(deliveries);
            Set<String> lost = new HashSet<>(ackedIds);
            lost.removeAll(unique);
            System.out.printf("kill -9 recovery: acknowledged %d, delivered %d, lost %d, duplicates %d,"
                    + " delivered before the kill %d, first delivery %d ms after the restart began%n",
                    ackedIds.size(), unique.size(), lost.size(), deliveries.size() - unique.size(),
                    deliveredBeforeKill, recoveryMs);
            assertEquals(MESSAGES, ackedIds.size());
            assertEquals("acknowledged but never delivered: " + lost, 0, lost.size());
            assertEquals("only acknowledged messages are delivered", ackedIds, unique);
        }
    }
}
