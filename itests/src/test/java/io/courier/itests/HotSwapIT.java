package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.Test;

import io.courier.testing.karaf.KarafProcess;

/**
 * Fixing a service by hot swap, as a user does it: version 1 of a service fails every message; its messages
 * pile up with their attempts and errors in courier:browse; version 2 is copied over the jar in deploy/; every
 * waiting message reaches version 2 without a restart, and dead letters retried by hand reach it too. Then the
 * jar is removed: messages published meanwhile wait, and arrive when it is back.
 */
public class HotSwapIT {

    private static final int MESSAGES = 20;
    private static final String JAR = KarafProcess.TEST_SERVICES_JAR;

    @Test
    public void messagesWaitingForABrokenServiceReachItsFixedVersionWithoutARestart() throws Exception {
        Path target = KarafProcess.TARGET;
        Path v1 = KarafProcess.TEST_SERVICES;
        try (KarafProcess karaf = KarafProcess.withTestServices("hot-swap")) {
            Path swapped = karaf.data("itest/swapped.log");
            karaf.start();
            long pid = karaf.pid();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> karaf.client("courier:services").contains("itest.swap.once"));

            assertTrue(karaf.client("courier:invoke itest.publisher '{\"count\":" + MESSAGES
                    + ",\"target\":\"itest.swap\"}'").contains("\"published\" : " + MESSAGES));
            String dead = karaf.client("courier:publish itest.swap.once '{\"dead\":true}'").trim();

            // version 1 fails them all: attempts and errors are visible, nothing is dead but the one-shot letter
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                List<String> rows = rows(karaf.client("courier:browse --pending --limit 100 --no-format itest.swap"));
                return rows.size() == MESSAGES && rows.stream().allMatch(r -> r.contains("IllegalStateException: version 0")
                        && Integer.parseInt(r.split("\t")[5].trim()) >= 1);
            });
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> rows(
                    karaf.client("courier:browse --dead --no-format itest.swap.once")).stream()
                    .anyMatch(r -> r.startsWith(dead)));
            assertEquals(List.of(), KarafProcess.lines(swapped));

            // version 2, copied over version 1 the way a user would
            Path v2 = withVersion(v1, target.resolve("hot-swap").resolve("v2.jar"), "2.0.0");
            Files.copy(v2, karaf.deploy().resolve(JAR + ".tmp"));
            Files.move(karaf.deploy().resolve(JAR + ".tmp"), karaf.deploy().resolve(JAR),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            long swappedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> KarafProcess.lines(swapped).size() >= MESSAGES);
            long deliveredMs = (System.nanoTime() - swappedAt) / 1_000_000;
            List<String> handled = KarafProcess.lines(swapped);
            assertEquals("every waiting message, once, by version 2", MESSAGES,
                    handled.stream().map(l -> l.split(" ")[0]).distinct().count());
            assertTrue(handled.toString(), handled.stream().allMatch(l -> l.endsWith(" itest.swap 2.0.0")));
            assertTrue(karaf.client("courier:services --no-format").lines()
                    .map(l -> l.split("\t")).anyMatch(c -> c[0].trim().equals("itest.swap")
                            && c[2].trim().equals("2.0.0") && c[3].trim().equals("active")));

            // the dead letter waits until someone retries it, then version 2 gets it
            assertEquals(MESSAGES, KarafProcess.lines(swapped).size());
            assertTrue(karaf.client("courier:retry " + dead).contains("Retrying 1 dead letter"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> KarafProcess
                    .lines(swapped).contains(dead + " itest.swap.once 2.0.0"));

            // the jar removed: the service is gone but known, its messages accumulate; the jar back: they arrive
            Files.move(karaf.deploy().resolve(JAR), target.resolve("hot-swap").resolve("removed.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> karaf
                    .client("courier:services --no-format").lines().map(l -> l.split("\t"))
                    .anyMatch(c -> c[0].trim().equals("itest.swap") && c[3].trim().equals("unregistered")));
            int before = KarafProcess.lines(swapped).size();
            for (int i = 0; i < 3; i++) {
                assertTrue(karaf.client("courier:publish itest.swap '{\"away\":" + i + "}'").trim()
                        .matches("[0-9a-f]{32}"));
            }
            Files.copy(v2, karaf.deploy().resolve(JAR + ".tmp"));
            Files.move(karaf.deploy().resolve(JAR + ".tmp"), karaf.deploy().resolve(JAR),
                    StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> KarafProcess.lines(swapped).size() == before + 3);
            assertEquals("no restart: the same JVM all along", pid, karaf.pid());
            System.out.printf("hot swap: %d waiting messages delivered to version 2 within %d ms of the swap%n",
                    MESSAGES, deliveredMs);
            karaf.stop();
        }
    }

    private static List<String> rows(String table) {
        return table.lines().filter(l -> l.contains("\t")).collect(Collectors.toList());
    }

    /** A copy of a bundle with another Bundle-Version: the "next release" of the same code. */
    private static Path withVersion(Path jar, Path copy, String version) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (OutputStream file = Files.newOutputStream(copy); JarOutputStream out = new JarOutputStream(file, manifest)) {
                Set<String> skip = Set.of("META-INF/MANIFEST.MF");
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (skip.contains(entry.getName())) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return copy;
    }
}
