package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

import io.courier.testing.karaf.KarafProcess;

/**
 * Crash cycles: the distribution runs with four publishers inside a service publishing without pause and
 * messages published through the shell meanwhile; Karaf is killed with SIGKILL at a random moment, started
 * again, and so on for K cycles; then the backlog drains and every acknowledged message must have been
 * delivered. Reports acknowledged, delivered, lost (must be 0, named if not), duplicates (allowed, counted), the
 * time to recover after each restart, and where each kill landed: how many publishes it interrupted (begun, not
 * acknowledged: waiting for or inside their commit). K is {@code -Dcourier.crashCycles} (3 by default); the
 * random moments come from {@code -Dcourier.crashSeed} (printed, so that a run can be repeated). Runs once per
 * {@link StoreDatabase}.
 */
@RunWith(Parameterized.class)
public class CrashCyclesIT {

    private static final Pattern MSG_ID = Pattern.compile("^[0-9a-f]{32}$", Pattern.MULTILINE);
    /** The drain is over when no delivery has arrived for this long (or when every message arrived). */
    private static final Duration QUIET = Duration.ofSeconds(20);

    @Parameters(name = "{0}")
    public static Iterable<StoreDatabase> databases() {
        return StoreDatabase.all();
    }

    @Parameter
    public StoreDatabase database;

    /**
     * Publishes begun but not acknowledged in {@code load.log}, leaving out those already counted: those the
     * last kill interrupted, waiting for or inside their group commit.
     */
    private static int publishesInFlight(Path load, Set<String> counted) {
        Set<String> open = new HashSet<>();
        for (String line : KarafProcess.lines(load)) {
            String key = line.substring(line.indexOf(' ') + 1);
            if (line.startsWith("begin ")) {
                open.add(key);
            } else {
                open.remove(key);
            }
        }
        open.removeAll(counted);
        counted.addAll(open);
        return open.size();
    }

    @Test
    public void nothingAcknowledgedIsLostAcrossKillCycles() throws Exception {
        int cycles = Integer.getInteger("courier.crashCycles", 3);
        long seed = Long.getLong("courier.crashSeed", System.nanoTime());
        Random random = new Random(seed);
        try (KarafProcess karaf = database.distribution("crash-cycles")) {
            Path ackedInService = karaf.data("itest/acked.log");
            Path delivered = karaf.data("itest/delivered.log");
            Path load = karaf.data("itest/load.log");
            Set<String> ackedByShell = new LinkedHashSet<>();
            List<Long> recoveryMs = new ArrayList<>();
            List<Integer> ackedPerCycle = new ArrayList<>();
            List<Integer> interruptedPerKill = new ArrayList<>();
            Set<String> interrupted = new HashSet<>();

            for (int cycle = 1; cycle <= cycles; cycle++) {
                int ackedBefore = KarafProcess.lines(ackedInService).size() + ackedByShell.size();
                long starting = System.nanoTime();
                karaf.start();
                await("itest.load registered, start " + cycle).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> karaf.client("courier:services").contains("itest.load"));
                recoveryMs.add((System.nanoTime() - starting) / 1_000_000);
                assertTrue(karaf.client("courier:invoke itest.load '{\"threads\":4}'").contains("\"started\" : 4"));
                long killAt = System.currentTimeMillis() + 2_000 + random.nextInt(5_000);
                int n = 0;
                while (System.currentTimeMillis() < killAt) {
                    Matcher id = MSG_ID.matcher(karaf.client(
                            "courier:publish itest.recorder '{\"shell\":" + n++ + ",\"cycle\":" + cycle + "}'"));
                    if (id.find()) {
                        ackedByShell.add(id.group());
                    }
                }
                karaf.kill9();
                interruptedPerKill.add(publishesInFlight(load, interrupted));
                ackedPerCycle.add(KarafProcess.lines(ackedInService).size() + ackedByShell.size() - ackedBefore);
            }

            karaf.start();
            Set<String> ackedSet = new LinkedHashSet<>(KarafProcess.lines(ackedInService));
            ackedSet.addAll(ackedByShell);
            List<String> acked = List.copyOf(ackedSet);
            long draining = System.nanoTime();
            KarafProcess.awaitIds(delivered, acked, QUIET, Duration.ofMinutes(5));
            long drainMs = (System.nanoTime() - draining) / 1_000_000;
            StoreDatabase.assertInUse(karaf);
            karaf.stop();

            List<String> deliveries = KarafProcess.lines(delivered);
            Set<String> unique = new LinkedHashSet<>(deliveries);
            List<String> lost = KarafProcess.missing(acked, deliveries);
            List<String> repeated = KarafProcess.repeated(deliveries);
            List<String> neverAcked = KarafProcess.missing(unique, acked);
            long killsDuringCommit = interruptedPerKill.stream().filter(i -> i > 0).count();
            System.out.printf("crash cycles on %s: %d cycles (seed %d), acknowledged %d (%d through the shell;"
                    + " per cycle %s), delivered %d, lost %d, delivered more than once %d (%d deliveries in excess:"
                    + " the kill came after handle, before the batch acknowledgement committed), delivered but never"
                    + " acknowledged %d (the kill came after their commit, before publish returned), publishes each"
                    + " kill interrupted %s (%d of %d kills landed while publishes were being committed), time to a"
                    + " working console after each start %s ms, final drain %d ms%n",
                    database, cycles, seed, acked.size(), ackedByShell.size(), ackedPerCycle, unique.size(),
                    lost.size(), repeated.size(), deliveries.size() - unique.size(), neverAcked.size(),
                    interruptedPerKill, killsDuringCommit, cycles, recoveryMs, drainMs);
            for (int cycle = 1; cycle <= cycles; cycle++) {
                assertTrue("cycle " + cycle + " acknowledged no publish", ackedPerCycle.get(cycle - 1) > 0);
            }
            assertEquals("acknowledged but never delivered (service's publishes in publish order, then the shell's): "
                    + KarafProcess.describe(lost), 0, lost.size());
        }
    }
}
