package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Crash cycles: the distribution runs with four publishers inside a service publishing without pause and
 * messages published through the shell meanwhile; Karaf is killed with SIGKILL at a random moment, started
 * again, and so on for K cycles; then the backlog drains and every acknowledged message must have been
 * delivered. Reports acknowledged, delivered, lost (must be 0), duplicates (allowed, counted) and the time to
 * recover after each restart. K is {@code -Dcourier.crashCycles} (5 by default); the random moments come from
 * {@code -Dcourier.crashSeed} (printed, so that a run can be repeated).
 */
public class CrashCyclesIT {

    /**
     * Publishes begun but not acknowledged in {@code load.log}, leaving out those already counted: those the
     * last kill interrupted, waiting for or inside their group commit.
     */
    private static long publishesInFlight(Path load, Set<String> counted) {
        Set<String> open = new HashSet<>();
        for (String line : KarafProcess.lines(load)) {
            String key = line.substring(line.indexOf(' ') + 1);
            if (line.startsWith("begin ")) {
                open.add(key);
            } else {
                open.remove(key);
            }
        }
        long inFlight = open.size() - counted.size();
        counted.addAll(open);
        return inFlight;
    }

    private static final Pattern MSG_ID = Pattern.compile("^[0-9a-f]{32}$", Pattern.MULTILINE);

    @Test
    public void nothingAcknowledgedIsLostAcrossKillCycles() throws Exception {
        int cycles = Integer.getInteger("courier.crashCycles", 5);
        long seed = Long.getLong("courier.crashSeed", System.nanoTime());
        Random random = new Random(seed);
        try (KarafProcess karaf = KarafProcess.withTestServices("crash-cycles")) {
            Path ackedInService = karaf.data("itest/acked.log");
            Path delivered = karaf.data("itest/delivered.log");
            Path load = karaf.data("itest/load.log");
            Set<String> ackedByShell = new HashSet<>();
            List<Long> recoveryMs = new ArrayList<>();
            int killsDuringCommit = 0;
            Set<String> interrupted = new HashSet<>();

            for (int cycle = 1; cycle <= cycles; cycle++) {
                long starting = System.nanoTime();
                karaf.start();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
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
                if (publishesInFlight(load, interrupted) > 0) {
                    killsDuringCommit++;
                }
            }

            karaf.start();
            Set<String> acked = new HashSet<>(KarafProcess.lines(ackedInService));
            acked.addAll(ackedByShell);
            long draining = System.nanoTime();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> new HashSet<>(KarafProcess.lines(delivered)).containsAll(acked));
            long drainMs = (System.nanoTime() - draining) / 1_000_000;
            karaf.stop();

            List<String> deliveries = KarafProcess.lines(delivered);
            Set<String> unique = new HashSet<>(deliveries);
            Set<String> lost = new HashSet<>(acked);
            lost.removeAll(unique);
            System.out.printf("crash cycles: %d cycles (seed %d), acknowledged %d (%d through the shell),"
                    + " delivered %d, lost %d, duplicates %d (the kill came after handle, before the batch"
                    + " acknowledgement committed), delivered but never acknowledged %d, kills that landed while"
                    + " publishes were being committed %d of %d, time to a working console after each start %s ms,"
                    + " final drain %d ms%n",
                    cycles, seed, acked.size(), ackedByShell.size(), unique.size(), lost.size(),
                    deliveries.size() - unique.size(), unique.size() - (acked.size() - lost.size()), killsDuringCommit,
                    cycles, recoveryMs, drainMs);
            assertTrue("every cycle acknowledged publishes", acked.size() > cycles);
            assertTrue("at least one kill landed during a group commit", killsDuringCommit > 0);
            assertEquals("acknowledged but never delivered: " + lost, 0, lost.size());
        }
    }
}
