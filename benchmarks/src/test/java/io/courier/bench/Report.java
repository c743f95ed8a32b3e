package io.courier.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * The report step (run by Maven after the scenarios): reads {@code results.txt}, writes
 * {@code benchmarks/RESULTS.md} (machine, date, command, commit, every figure with median/min/max, the
 * targets with ratios to the baselines of the same run), {@code benchmarks/results.csv} and
 * {@code benchmarks/results.png}.
 */
public final class Report {

    record Figure(String key, String unit, double[] rounds) {
        double median() {
            double[] s = rounds.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        double min() {
            return Arrays.stream(rounds).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(rounds).max().orElse(Double.NaN);
        }
    }

    private static final Map<String, String> WHAT = new LinkedHashMap<>();
    static {
        WHAT.put("courier.sustained.first", "Courier: sustained run through one subscription, 8 publishers, delivery rate over its first minute (quick: first fifth)");
        WHAT.put("courier.sustained.last", "Courier: sustained run, delivery rate over its last minute (quick: last fifth)");
        WHAT.put("courier.sustained.total", "Courier: sustained run, messages published and delivered");
        WHAT.put("jdbc.commit1.t1", "JDBC: 1 row per commit, 1 thread (per-commit limit)");
        WHAT.put("jdbc.commit1.t8", "JDBC: 1 row per commit, 8 threads (per-commit limit)");
        WHAT.put("jdbc.commit100.t1", "JDBC: 100 rows per commit, 1 thread (batch limit)");
        WHAT.put("artemis.journalBufferTimeout", "Artemis: journal buffer timeout, the disk's measured time per sync");
        WHAT.put("artemis.send.p1", "Artemis: durable blocking sends, 1 producer");
        WHAT.put("artemis.send.p8", "Artemis: durable blocking sends, 8 producers");
        WHAT.put("artemis.e2e.p1", "Artemis: end to end (send to consume), 1 producer");
        WHAT.put("artemis.e2e.p8", "Artemis: end to end (send to consume), 8 producers");
        WHAT.put("courier.publish.p1", "Courier: durable publish, 1 publisher");
        WHAT.put("courier.publish.p8", "Courier: durable publish, 8 publishers");
        WHAT.put("courier.publishBatch100.p1", "Courier: batch publish of 100 (one commit), 1 publisher");
        WHAT.put("courier.e2e.p1", "Courier: end to end (publish to handle), 1 publisher");
        WHAT.put("courier.e2e.p8", "Courier: end to end (publish to handle), 8 publishers");
        WHAT.put("courier.load10", "Courier: end to end at 10% of the 8-publisher saturation rate");
        WHAT.put("courier.load50", "Courier: end to end at 50% of saturation");
        WHAT.put("courier.load90", "Courier: end to end at 90% of saturation");
        WHAT.put("courier.invoke", "Courier: invoke (synchronous) vs a direct Java call");
        WHAT.put("courier.invokeAsync", "Courier: invokeAsync, calls completed per second");
        WHAT.put("courier.fanOut10", "Courier: fan-out to 10 targets, joined");
        WHAT.put("courier.services", "Courier: end to end, 8 publishers, round robin over N services");
        WHAT.put("courier.backlogFill", "Courier: publishing the backlog to a stopped service, 8 publishers");
        WHAT.put("courier.backlog", "Courier: end to end to another service with this backlog stored");
        WHAT.put("courier.heap", "Courier: heap used after GC");
        WHAT.put("courier.restart", "Courier: restart of core and pub/sub with the backlog stored");
        WHAT.put("courier.topics", "Courier: the topics view (every topic's depth), per call, with the backlog stored");
        WHAT.put("courier.web.knownServices", "Courier: services known to the store when the dashboard is timed (those"
                + " of the services scenario, unregistered, among them)");
        WHAT.put("courier.web", "Courier: the dashboard's page load over HTTP, logged in: the page and the API calls its"
                + " script makes at once (overview: series and needs attention; a service: its series), with the"
                + " backlog stored and those services known");
        WHAT.put("queue.e2e", "JDBC: a queue table, 8 publishers inserting and committing a row each, 2 consumers"
                + " claiming 100 at a time with a lease (UPDATE ... FOR UPDATE SKIP LOCKED RETURNING, pgmq's read) and"
                + " deleting them once consumed: at least once, insert to claim");
        WHAT.put("queue.pop.e2e", "JDBC: the same queue consumed at most once: claim and delete in one statement"
                + " (DELETE ... FOR UPDATE SKIP LOCKED RETURNING, pgmq's pop)");
        WHAT.put("cluster.e2e.n1", "Courier cluster on PostgreSQL: end to end with 1 node, 8 publishers");
        WHAT.put("cluster.e2e.n2", "Courier cluster on PostgreSQL: end to end with 2 nodes, 8 publishers on each");
        WHAT.put("cluster.e2e.n3", "Courier cluster on PostgreSQL: end to end with 3 nodes, 8 publishers on each");
        WHAT.put("cluster.takeover", "Courier cluster: from the kill -9 of a node holding deliveries to their delivery"
                + " by another node (lease 10 s, heartbeat 1 s), one round per kill");
        WHAT.put("cluster.crossNode", "Courier cluster: publish on one node to handle on another (woken by NOTIFY), 200"
                + " messages one after the other");
        WHAT.put("courier.sweep", "Courier's store: one delivery sweep over 100 subscriptions, one of them holding the"
                + " backlog (harness JVM, HSQLDB file database)");
    }

    public static void main(String[] args) throws Exception {
        Path benchDir = Path.of(args[0]);
        Path moduleDir = Path.of(args[1]);
        boolean quick = Boolean.parseBoolean(args[2]);
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (String line : Files.readAllLines(benchDir.resolve("results.txt"))) {
            String[] parts = line.split("\\|");
            figures.put(parts[0], new Figure(parts[0], parts[1],
                    Arrays.stream(parts[2].split(",")).mapToDouble(Double::parseDouble).toArray()));
        }
        writeCsv(figures, moduleDir.resolve("results.csv"));
        chart(figures, moduleDir.resolve("results.png"));
        Files.writeString(moduleDir.resolve("RESULTS.md"), markdown(figures, benchDir, moduleDir, quick), StandardCharsets.UTF_8);
        System.out.println("Wrote " + moduleDir.resolve("RESULTS.md") + ", results.csv and results.png");
    }

    private static String markdown(Map<String, Figure> f, Path benchDir, Path moduleDir, boolean quick) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by the harness (`benchmarks/run").append(quick ? " --quick" : "").append("`): do not edit by hand;")
                .append(" see README.md for the scenarios.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(" |\n");
        md.append("| command | `benchmarks/run").append(quick ? " --quick" : "")
                .append("` (`mvn -B verify -Pbench -pl benchmarks -am -DskipTests").append(quick ? " -Dbench.quick=true" : "")
                .append("`) |\n");
        md.append("| mode | ").append(quick ? "quick: 3 rounds of 2 s, 5 s per load level, backlog 100k"
                : "full: 5 rounds of 5 s, 30 s per load level, backlog 1M").append(" (after one warm-up round) |\n");
        md.append("| commit | ").append(git(moduleDir, "rev-parse", "--short", "HEAD"))
                .append(git(moduleDir, "status", "--porcelain", "--untracked-files=no", "--", "..",
                        ":(exclude)RESULTS.md", ":(exclude)results.csv", ":(exclude)results.png").isBlank() ? "" : " (with uncommitted changes)")
                .append(" |\n");
        Path postgresql = benchDir.resolve("postgresql.txt");
        if (Files.exists(postgresql)) {
            md.append("| database for `pg.` figures | ").append(Files.readString(postgresql).strip()).append(" |\n");
        }
        md.append("| machine | ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(memoryGb()).append(" GB RAM, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(", Java ").append(System.getProperty("java.version"))
                .append(" |\n\n");
        md.append("The machine is shared (two cores, other builds running), so single figures are noisy: each figure is"
                + " the median of its rounds, with min and max, and every ratio compares figures of this same run.\n\n");

        md.append("## Targets\n\n| target | measured | ratio | met |\n|---|---|---:|---|\n");
        target(md, f, "8-publisher durable end to end ≥ 1x Artemis's 8-producer blocking durable sends",
                "courier.e2e.p8", "artemis.send.p8", 1);
        target(md, f, "1-publisher durable end to end ≥ 1x Artemis's 1-producer blocking durable sends",
                "courier.e2e.p1", "artemis.send.p1", 1);
        target(md, f, "batch publish of 100 ≥ 0.5x plain JDBC's 100-rows-per-commit limit", "courier.publishBatch100.p1",
                "jdbc.commit100.t1", 0.5);
        limit(md, f, "publish-to-handle p50 at 10% load < 2 ms", "courier.load10.lat50", 2);
        limit(md, f, "invoke overhead per call < 1 µs (1000 ns)", "courier.invoke.overhead", 1000);
        limit(md, f, "backlog restart to first delivery < 3 s", "courier.restart.firstDelivery", 3);
        String biggest = f.containsKey("courier.heap.backlog1M") ? "1M" : "100k";
        target(md, f, "heap flat: with the " + biggest + " backlog ≤ 1.5x with 10k (lower is better)",
                "courier.heap.backlog10k", "courier.heap.backlog" + biggest, 1 / 1.5);
        target(md, f, "heap flat: while draining ≤ 1.5x with 10k (lower is better)", "courier.heap.backlog10k",
                "courier.heap.drain", 1 / 1.5);
        target(md, f, "rate flat: 1,000 services ≥ 0.75x 10 services", "courier.services1000", "courier.services10",
                0.75);
        target(md, f, "rate flat: " + biggest + " backlog ≥ 0.75x 10k backlog", "courier.backlog" + biggest,
                "courier.backlog10k", 0.75);
        target(md, f, "sweep flat: with the " + biggest + " backlog ≤ 1.5x with 10k (lower is better)",
                "courier.sweep.backlog10k", "courier.sweep.backlog" + biggest, 1 / 1.5);
        target(md, f, "PostgreSQL: 8-publisher durable end to end ≥ 1.5x the SKIP LOCKED queue's end to end (plain JDBC,"
                + " 8 publishers, 2 consumers, at least once: claim with a lease, delete when consumed)",
                "pg.courier.e2e.p8", "pg.queue.e2e.p8", 1.5);
        target(md, f, "PostgreSQL: 8-publisher durable end to end ≥ 0.75x plain JDBC's 8-thread per-commit limit",
                "pg.courier.e2e.p8", "pg.jdbc.commit1.t8", 0.75);
        target(md, f, "PostgreSQL: a sustained run through one subscription (" + (quick ? "100k" : "2M")
                + " messages): the rate in its last minute ≥ 0.8x its first (quick mode: last and first fifth)",
                "pg.courier.sustained.last", "pg.courier.sustained.first", 0.8);
        target(md, f, "cluster: 3 nodes end to end ≥ 1x one node, on this machine (every node and PostgreSQL on its 2"
                + " cores)", "cluster.e2e.n3", "cluster.e2e.n1", 1);
        limit(md, f, "cluster: a killed node's deliveries taken over within 15 s (15000 ms)", "cluster.takeover", 15_000);
        limit(md, f, "cluster: cross-node publish-to-handle p50 < 50 ms", "cluster.crossNode.lat50", 50);
        md.append("\nRatios are of medians. For the heap and sweep rows the ratio is 10k's figure over the larger one's."
                + " The rows that start with PostgreSQL compare Courier with its store on PostgreSQL and baselines on the"
                + " same PostgreSQL server; the others are on HSQLDB, Courier's embedded default.\n\n");

        cpu(md, f);
        cluster(md, f);
        md.append("## Every figure\n\n| figure | what | unit | median | min | max | rounds |\n|---|---|---|---:|---:|---:|---:|\n");
        for (Figure x : f.values()) {
            md.append("| `").append(x.key()).append("` | ").append(what(x.key())).append(" | ").append(x.unit())
                    .append(" | ").append(num(x.median())).append(" | ").append(num(x.min())).append(" | ")
                    .append(num(x.max())).append(" | ").append(x.rounds().length).append(" |\n");
        }
        md.append("\n`.lat50`/`.lat99`/`.latMax`: latency percentiles (publish: the call; e2e and load: publish to"
                + " handle; Artemis: send to consume; queue: insert to claim). `.cpu.jvm`/`.cpu.pg`: CPU time per"
                + " message of the JVM and of the PostgreSQL server. `.p1`/`.p8`: publishers or producers;"
                + " `.t1`/`.t8`: threads. `pg.`: on PostgreSQL (Courier's store, or the plain JDBC baselines), on one"
                + " private server; the other Courier and JDBC figures are on HSQLDB.\n\n");
        md.append("![End-to-end rate and latency](results.png)\n");
        return md.toString();
    }

    /**
     * The CPU time per message of each end-to-end figure that has one: the figure's JVM (Courier's, or the
     * baseline's publishers and consumers) and the PostgreSQL server.
     */
    private static void cpu(StringBuilder md, Map<String, Figure> f) {
        List<String> measured = f.keySet().stream().filter(k -> k.endsWith(".cpu.jvm"))
                .map(k -> k.substring(0, k.length() - ".cpu.jvm".length())).toList();
        if (measured.isEmpty()) {
            return;
        }
        md.append("## CPU per message\n\nThe machine's cores are shared by the JVM, PostgreSQL and whatever else runs,"
                + " so a rate says how they were shared as much as what a message costs; the CPU time each process spent"
                + " per message (from /proc, medians of the rounds) says what it costs. JVM: Courier's (with its"
                + " publishers and the service), or the baseline's publishers and consumers.\n\n"
                + "| end to end | msgs/s | JVM µs/msg | PostgreSQL µs/msg | total µs/msg |\n|---|---:|---:|---:|---:|\n");
        for (String k : measured) {
            double jvm = f.get(k + ".cpu.jvm").median();
            Figure pg = f.get(k + ".cpu.pg");
            md.append("| `").append(k).append("` | ").append(f.containsKey(k) ? num(f.get(k).median()) : "-")
                    .append(" | ").append(num(jvm)).append(" | ").append(pg == null ? "-" : num(pg.median()))
                    .append(" | ").append(num(jvm + (pg == null ? 0 : pg.median()))).append(" |\n");
        }
        md.append('\n');
    }

    /**
     * What N nodes on machines of their own would reach, from the CPU each process spent per message here: each node
     * on its own machine with this one's cores, PostgreSQL on another.
     */
    private static void cluster(StringBuilder md, Map<String, Figure> f) {
        if (!f.containsKey("cluster.e2e.n1.cpu.jvm")) {
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        md.append("## A cluster on machines of its own\n\nHere every node and PostgreSQL share this machine's ").append(cores)
                .append(" cores, so more nodes take cores from one another and from PostgreSQL. From the CPU each"
                        + " process spent per message (above), with N nodes on N machines of ").append(cores)
                .append(" cores each and PostgreSQL on one more: the nodes could deliver N × ").append(cores)
                .append(" × 10⁶ / (all nodes' µs per message) messages per second, PostgreSQL ").append(cores)
                .append(" × 10⁶ / its µs per message; the lower bound is the cluster's. Assumed: CPU is the limit (not"
                        + " the disk: PostgreSQL's WAL flush is shared by concurrent commits; not the network: its round"
                        + " trips add latency, which more publishers hide), and a message costs as much CPU on separate"
                        + " machines as here.\n\n| nodes | measured here msgs/s | nodes µs/msg | PostgreSQL µs/msg |"
                        + " nodes' bound msgs/s | PostgreSQL's bound msgs/s | projected msgs/s |\n"
                        + "|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int n = 1; f.containsKey("cluster.e2e.n" + n + ".cpu.jvm"); n++) {
            String k = "cluster.e2e.n" + n;
            double nodes = f.get(k + ".cpu.jvm").median();
            double pg = f.get(k + ".cpu.pg").median();
            double nodesBound = n * cores * 1e6 / nodes;
            double pgBound = cores * 1e6 / pg;
            md.append("| ").append(n).append(" | ").append(num(f.get(k).median())).append(" | ").append(num(nodes))
                    .append(" | ").append(num(pg)).append(" | ").append(num(nodesBound)).append(" | ")
                    .append(num(pgBound)).append(" | ").append(num(Math.min(nodesBound, pgBound))).append(" |\n");
        }
        md.append('\n');
    }

    private static void target(StringBuilder md, Map<String, Figure> f, String what, String key, String base,
            double atLeast) {
        Figure a = f.get(key);
        Figure b = f.get(base);
        if (a == null || b == null) {
            md.append("| ").append(what).append(" | not measured (`").append(a == null ? key : base)
                    .append("` missing) | | no |\n");
            return;
        }
        double ratio = a.median() / b.median();
        md.append("| ").append(what).append(" | ").append(num(a.median())).append(' ').append(a.unit()).append(" vs ")
                .append(num(b.median())).append(' ').append(b.unit()).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", ratio)).append(" | ").append(ratio >= atLeast ? "yes" : "**no**")
                .append(" |\n");
    }

    private static void limit(StringBuilder md, Map<String, Figure> f, String what, String key, double below) {
        Figure a = f.get(key);
        if (a == null) {
            md.append("| ").append(what).append(" | not measured | | no |\n");
            return;
        }
        md.append("| ").append(what).append(" | ").append(num(a.median())).append(' ').append(a.unit()).append(" | | ")
                .append(a.median() < below ? "yes" : "**no**").append(" |\n");
    }

    private static String what(String key) {
        if (key.startsWith("pg.")) {
            return "PostgreSQL, " + what(key.substring("pg.".length()));
        }
        String best = "";
        for (Map.Entry<String, String> e : WHAT.entrySet()) {
            if (key.startsWith(e.getKey()) && e.getKey().length() > best.length()) {
                best = e.getKey();
            }
        }
        return best.isEmpty() ? "" : WHAT.get(best);
    }

    private static void writeCsv(Map<String, Figure> f, Path csv) throws IOException {
        StringBuilder out = new StringBuilder("figure,unit,median,min,max,rounds\n");
        for (Figure x : f.values()) {
            out.append(x.key()).append(',').append(x.unit()).append(',').append(plain(x.median())).append(',')
                    .append(plain(x.min())).append(',').append(plain(x.max())).append(',').append('"')
                    .append(String.join(" ", Arrays.stream(x.rounds()).mapToObj(Report::plain).toList())).append("\"\n");
        }
        Files.writeString(csv, out, StandardCharsets.UTF_8);
    }

    private static void chart(Map<String, Figure> f, Path png) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        String[][] rateFigures = { { "Courier 1 publisher", "courier.e2e.p1" }, { "Courier 8 publishers", "courier.e2e.p8" },
                { "Courier batch of 100", "courier.publishBatch100.p1" }, { "Artemis 1 producer", "artemis.e2e.p1" },
                { "Artemis 8 producers", "artemis.e2e.p8" }, { "JDBC 1 thread", "jdbc.commit1.t1" },
                { "JDBC 8 threads", "jdbc.commit1.t8" }, { "JDBC 100 rows/commit", "jdbc.commit100.t1" },
                { "PG: Courier 1 publisher", "pg.courier.e2e.p1" }, { "PG: Courier 8 publishers", "pg.courier.e2e.p8" },
                { "PG: Courier batch of 100", "pg.courier.publishBatch100.p1" },
                { "PG: SKIP LOCKED queue", "pg.queue.e2e.p8" }, { "PG: queue, pop", "pg.queue.pop.e2e.p8" }, { "PG: JDBC 1 thread", "pg.jdbc.commit1.t1" },
                { "PG: JDBC 8 threads", "pg.jdbc.commit1.t8" }, { "PG: JDBC 100 rows/commit", "pg.jdbc.commit100.t1" },
                { "PG: cluster of 1", "cluster.e2e.n1" }, { "PG: cluster of 2", "cluster.e2e.n2" },
                { "PG: cluster of 3", "cluster.e2e.n3" } };
        for (String[] r : rateFigures) {
            if (f.containsKey(r[1])) {
                names.add(r[0]);
                rates.add(f.get(r[1]).median());
            }
        }
        if (names.isEmpty()) { // a run of some scenarios only
            System.out.println("No chart: this run measured no rate the chart shows");
            return;
        }
        CategoryChart rate = new CategoryChartBuilder().width(1100).height(500)
                .title("End to end, durable (JDBC: rows committed; PG: on PostgreSQL, other Courier and JDBC bars on HSQLDB)").yAxisTitle("messages per second").build();
        rate.getStyler().setLegendVisible(false);
        rate.getStyler().setXAxisLabelRotation(30);
        rate.addSeries("median", names, rates);

        List<String> latNames = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        String[][] latFigures = { { "Courier 1 pub.", "courier.e2e.p1" }, { "Courier 8 pub.", "courier.e2e.p8" },
                { "Courier 10% load", "courier.load10" }, { "Courier 50% load", "courier.load50" },
                { "Courier 90% load", "courier.load90" }, { "Artemis 1 prod.", "artemis.e2e.p1" },
                { "Artemis 8 prod.", "artemis.e2e.p8" }, { "PG: Courier 1 pub.", "pg.courier.e2e.p1" },
                { "PG: Courier 8 pub.", "pg.courier.e2e.p8" }, { "PG: Courier 10% load", "pg.courier.load10" },
                { "PG: queue 8 pub.", "pg.queue.e2e.p8" } };
        for (String[] r : latFigures) {
            if (f.containsKey(r[1] + ".lat50") && f.containsKey(r[1] + ".lat99")) {
                latNames.add(r[0]);
                p50.add(f.get(r[1] + ".lat50").median());
                p99.add(f.get(r[1] + ".lat99").median());
            }
        }
        if (latNames.isEmpty()) { // a run of some scenarios only
            System.out.println("No chart: this run measured no latency the chart shows");
            return;
        }
        CategoryChart latency = new CategoryChartBuilder().width(1100).height(500)
                .title("Publish (send) to handle (consume) latency").yAxisTitle("ms (log scale)").build();
        latency.getStyler().setYAxisLogarithmic(true);
        latency.getStyler().setYAxisMin(0.01);
        latency.getStyler().setLegendPosition(LegendPosition.InsideNW);
        latency.getStyler().setXAxisLabelRotation(30);
        latency.addSeries("p50", latNames, p50);
        latency.addSeries("p99", latNames, p99);
        BitmapEncoder.saveBitmap(List.of(rate, latency), 1, 2, png.toString().replaceAll("\\.png$", ""),
                BitmapFormat.PNG);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String plain(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static long memoryGb() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024L * 1024 * 1024);
    }
}
