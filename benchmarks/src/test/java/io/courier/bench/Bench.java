package io.courier.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What every scenario shares: the mode (quick or full), the round lengths, the payload, and the results file
 * each scenario appends its rounds to ({@code bench.dir/results.txt}, read by {@link Report}).
 * <p>
 * One line per figure: {@code key|unit|round1,round2,...}; the report takes median, min and max of the rounds.
 */
final class Bench {

    static final boolean QUICK = Boolean.getBoolean("bench.quick");
    /** Measured rounds per figure, after one warm-up round that is not recorded. */
    static final int ROUNDS = QUICK ? 3 : 5;
    static final long ROUND_MS = QUICK ? 2_000 : 5_000;
    /** How long each load level of the end-to-end latency scenario is sustained. */
    static final long SUSTAIN_MS = QUICK ? 5_000 : 30_000;
    /** How long Courier's durable path runs, unmeasured, before its figures. */
    static final long WARM_UP_MS = QUICK ? 15_000 : 30_000;
    static final int BACKLOG = QUICK ? 100_000 : 1_000_000;
    /** Messages of the sustained run through one subscription. */
    static final int SUSTAINED = QUICK ? 100_000 : 2_000_000;
    static final int PAYLOAD_BYTES = 256;
    /** {@code -Dbench.scenarios=durable,backlog}: only these of Courier's scenarios run; unset or empty: all. */
    private static final List<String> SCENARIOS = Arrays.stream(System.getProperty("bench.scenarios", "").split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).toList();

    private Bench() {
    }

    /** Whether a scenario of Courier's runs in this run ({@code bench.scenarios}). */
    static boolean selected(String scenario) {
        return SCENARIOS.isEmpty() || SCENARIOS.contains(scenario);
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("bench.dir", "target/bench"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * Writes the machine's dirty pages out ({@code sync}) before a scenario, so that it does not pay for the disk
     * writes of the one before it: the scenario that stored a backlog of 100k messages on HSQLDB left the next
     * one's commits waiting behind their write-back. Prints how long it took.
     */
    static void settleDisk(String before) {
        long start = System.nanoTime();
        try {
            int exit = new ProcessBuilder("sync").inheritIO().start().waitFor();
            System.out.printf(Locale.ROOT, "BENCH sync before %s: %d ms (exit %d)%n", before,
                    (System.nanoTime() - start) / 1_000_000, exit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends one figure, measured in several rounds. */
    static synchronized void record(String key, String unit, double... rounds) {
        String line = key + "|" + unit + "|" + Arrays.stream(rounds).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(",")) + "\n";
        System.out.print("BENCH " + line);
        try {
            Files.writeString(dir().resolve("results.txt"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A 256-byte JSON object (with {@code "t"}, the send time in nanoseconds, first): what every scenario
     * sends, to Courier, to Artemis and into the JDBC table.
     */
    static String payload(long nanoTime) {
        String head = "{\"t\":" + nanoTime + ",\"pad\":\"";
        return head + "x".repeat(PAYLOAD_BYTES - head.length() - 2) + "\"}";
    }

    /** Pads {@code {"t":<15 digits>,"pad":"…"}} to 256 bytes. */
    private static final String PAD = "x".repeat(PAYLOAD_BYTES - 45);

    /**
     * The same for Courier, which takes data to write as JSON: {@code {"t":<nanos>,"pad":"xx..."}}, 256 bytes
     * once written
     * (with a 15-digit time).
     */
    static java.util.Map<String, Object> data(long nanoTime) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("t", nanoTime);
        data.put("pad", PAD);
        return data;
    }

    /** The send time carried by {@link #payload(long)}, from the JSON text. */
    static long sentAt(String json) {
        int start = json.indexOf(':') + 1;
        return Long.parseLong(json, start, json.indexOf(',', start), 10);
    }
}
