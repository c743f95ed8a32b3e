package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

import io.courier.testing.karaf.KarafProcess;

/**
 * The durability promise at process level: with the built distribution running and the test services dropped
 * into deploy/, 500 messages are published to a service that takes 100 of them, then holds the next ones as if
 * busy with them; Karaf is killed with SIGKILL there, mid-delivery, and started again; every message whose
 * publish returned is delivered. Duplicates (at-least-once) are counted and reported, not failed on. Runs once per
 * {@link StoreDatabase}.
 */
@RunWith(Parameterized.class)
public class KillRecoveryIT {

    private static final int MESSAGES = 500;
    private static final int BEFORE_KILL = MESSAGES / 5;
    /** Deliveries are over when none has arrived for this long (or when every message arrived). */
    private static final Duration QUIET = Duration.ofSeconds(20);

    @Parameters(name = "{0}")
    public static Iterable<StoreDatabase> databases() {
        return StoreDatabase.all();
    }

    @Parameter
    public StoreDatabase database;

    @Test
    public void everyAcknowledgedMessageIsDeliveredAfterKillMinus9() throws Exception {
        try (KarafProcess karaf = database.distribution("kill-recovery")) {
            Path acked = karaf.data("itest/acked.log");
            Path delivered = karaf.data("itest/delivered.log");

            karaf.start();
            await("itest.publisher and itest.recorder registered").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        String services = karaf.client("courier:services");
                        return services.contains("itest.publisher") && services.contains("itest.recorder");
                    });
            StoreDatabase.assertInUse(karaf);

            // the recorder takes the first fifth, then holds every message after it: the kill lands mid-delivery
            assertTrue(karaf.client("courier:invoke itest.recorder '{\"holdAfter\":" + BEFORE_KILL + "}'")
                    .contains("holdingAfter"));
            String published = karaf.client("courier:invoke itest.publisher '{\"count\":" + MESSAGES + "}'");
            assertTrue(published, published.contains("\"published\" : " + MESSAGES));
            List<String> ackedIds = KarafProcess.lines(acked);
            assertEquals("publishes acknowledged", MESSAGES, new HashSet<>(ackedIds).size());

            await("the recorder taking its first " + BEFORE_KILL).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> KarafProcess.lines(delivered).size() >= BEFORE_KILL);
            karaf.kill9();
            assertEquals("the recorder takes " + BEFORE_KILL + " messages, then holds the next ones until the kill",
                    BEFORE_KILL, KarafProcess.lines(delivered).size());

            long restart = System.nanoTime();
            karaf.start();
            long consoleMs = (System.nanoTime() - restart) / 1_000_000;
            KarafProcess.awaitIds(delivered, ackedIds, QUIET, Duration.ofMinutes(3));
            long settledMs = (System.nanoTime() - restart) / 1_000_000;
            karaf.stop();
            List<String> deliveries = KarafProcess.lines(delivered);

            List<String> lost = KarafProcess.missing(ackedIds, deliveries);
            List<String> unexpected = KarafProcess.missing(new LinkedHashSet<>(deliveries), ackedIds);
            List<String> repeated = KarafProcess.repeated(deliveries);
            int unique = new HashSet<>(deliveries).size();
            System.out.printf("kill -9 recovery on %s: acknowledged %d, delivered %d (%d before the kill), lost %d,"
                    + " delivered more than once %s (%d deliveries in excess), console answering %d ms after the"
                    + " restart began, deliveries over %d ms after it%n",
                    database, ackedIds.size(), unique, BEFORE_KILL, lost.size(), KarafProcess.describe(repeated),
                    deliveries.size() - unique, consoleMs, settledMs);
            assertEquals("acknowledged but never delivered (in publish order): " + KarafProcess.describe(lost), 0,
                    lost.size());
            assertEquals("delivered but never acknowledged: " + KarafProcess.describe(unexpected), 0,
                    unexpected.size());
        }
    }
}
