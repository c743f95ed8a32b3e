package io.courier.testing.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;


/**
 * The built Courier distribution run as a user runs it: unpacked, started with {@code bin/karaf server},
 * driven with {@code bin/client}, killed with SIGKILL or stopped with {@code bin/stop}. It only ever ends the
 * JVM it started itself, by its pid. Its store is on the embedded HSQLDB, as shipped, or on a PostgreSQL database
 * given to {@code bin/karaf} in {@code COURIER_DB_URL}, {@code COURIER_DB_USER} and {@code COURIER_DB_PASSWORD}.
 */
public final class KarafProcess implements AutoCloseable {

    public static final String USER = "courier";
    public static final String PASSWORD = "courier";

    private final Path home;
    private final int sshPort;
    private final int httpPort;
    private volatile Process process; // read by tests' own threads too
    /** The database bin/karaf is pointed at; null: the embedded HSQLDB. */
    private PostgresDatabase postgres;
    /** More of bin/karaf's environment. */
    private final Map<String, String> environment = new HashMap<>();
    /** Set by the one client call that writes the class-data archive of bin/client's JVM; see {@link #clientJvm}. */
    private final AtomicBoolean archivingClient = new AtomicBoolean();
    private volatile boolean clientArchived;

    private KarafProcess(Path home, int sshPort, int httpPort) {
        this.home = home;
        this.sshPort = sshPort;
        this.httpPort = httpPort;
    }

    /** The test services jar, as built: version 0.1.0, the broken one for the hot-swap test. */
    public static final Path TEST_SERVICES = Paths.get(System.getProperty("courier.itestServices"));
    /** This module's target folder. */
    public static final Path TARGET = Paths.get(System.getProperty("project.build.directory"));
    public static final String TEST_SERVICES_JAR = "courier-itest-services.jar";

    /**
     * The built distribution, unpacked into a new folder under {@code target/<folder>}, with the test services
     * in its deploy/ folder, not started yet.
     */
    public static KarafProcess withTestServices(String folder) throws IOException, InterruptedException {
        KarafProcess karaf = unpack(Paths.get(System.getProperty("courier.distribution")), TARGET.resolve(folder));
        Files.copy(TEST_SERVICES, karaf.deploy().resolve(TEST_SERVICES_JAR));
        return karaf;
    }

    /** Points the store at {@code database}, in bin/karaf's environment as a user would. Before {@link #start()}. */
    public void usePostgres(PostgresDatabase database) {
        postgres = database;
    }

    /** Sets a variable of bin/karaf's environment, as a user would export it. Before {@link #start()}. */
    public void environment(String name, String value) {
        environment.put(name, value);
    }

    /** Sets {@code key = value} in {@code etc/<pid>.cfg}, creating the file if the distribution has none. */
    public void configure(String pid, String key, String value) throws IOException {
        Path cfg = home.resolve("etc").resolve(pid + ".cfg");
        if (!Files.exists(cfg)) {
            Files.createFile(cfg);
        }
        setProperty(cfg, key, value);
    }

    public Path deploy() {
        return home.resolve("deploy");
    }

    /**
     * Unpacks the distribution into a new folder under {@code parent}, with free ports for SSH, JMX and HTTP so
     * that it never meets another Karaf running on this machine.
     */
    public static KarafProcess unpack(Path distribution, Path parent) throws IOException, InterruptedException {
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "karaf-");
        run(List.of("tar", "xzf", distribution.toString(), "-C", dir.toString()), dir, Duration.ofMinutes(2));
        Path home;
        try (var entries = Files.list(dir)) {
            home = entries.findFirst().orElseThrow();
        }
        int sshPort = freePort();
        setProperty(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", String.valueOf(sshPort));
        setProperty(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", String.valueOf(freePort()));
        setProperty(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", String.valueOf(freePort()));
        int httpPort = freePort();
        setProperty(home.resolve("etc/org.ops4j.pax.web.cfg"), "org.osgi.service.http.port", String.valueOf(httpPort));
        return new KarafProcess(home, sshPort, httpPort);
    }

    /** A TCP port free on this machine now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets {@code key = value} in a .cfg file, replacing the line that sets it. */
    private static void setProperty(Path cfg, String key, String value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(cfg, StandardCharsets.UTF_8));
        lines.removeIf(l -> l.trim().startsWith(key + " ") || l.trim().startsWith(key + "="));
        lines.add(key + " = " + value);
        Files.write(cfg, lines, StandardCharsets.UTF_8);
    }

    public Path home() {
        return home;
    }

    /** The address of Karaf's HTTP service, such as {@code http://127.0.0.1:40123}. */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Adds a user to {@code etc/users.properties}: {@code password,role...}. Before {@link #start()}. */
    public void addUser(String name, String password, String... roles) throws IOException {
        Files.writeString(home.resolve("etc/users.properties"), name + " = " + password
                + (roles.length == 0 ? "" : "," + String.join(",", roles)) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
    }

    public Path data(String relative) {
        return home.resolve("data").resolve(relative);
    }

    /** Starts Karaf in the background and waits until its console answers. */
    public void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("KARAF_EXEC", "exec"); // the script becomes the JVM: its pid is the JVM's
        pb.environment().putAll(environment);
        if (postgres != null) {
            pb.environment().put("COURIER_DB_URL", postgres.url());
            pb.environment().put("COURIER_DB_USER", postgres.user());
            pb.environment().put("COURIER_DB_PASSWORD", postgres.password());
        }
        process = pb.start();
        // a client JVM started before SSH listens only fails, and takes CPU from the booting Karaf
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(this::sshListening);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client("courier:services").contains("Name"));
    }

    /** The PostgreSQL database the store is pointed at; empty: the embedded HSQLDB. */
    public Optional<PostgresDatabase> postgres() {
        return Optional.ofNullable(postgres);
    }

    /** Whether the JVM runs. */
    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The pid of the running JVM. */
    public long pid() {
        return process.pid();
    }

    /** Whether Karaf's SSH port accepts connections. */
    private boolean sshListening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", sshPort), 1_000);
            return true;
        } catch (IOException notYet) {
            assertTrue("Karaf ended while starting; see " + home.resolve("console.out"), running());
            return false;
        }
    }

    /** Runs one console command through {@code bin/client}; returns what it printed. */
    public String client(String command) throws IOException, InterruptedException {
        if (!running()) {
            throw new IllegalStateException("Karaf is not running");
        }
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-a", String.valueOf(sshPort), "-u",
                USER, "-p", PASSWORD, "-b")
                .directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        boolean archiving = !clientArchived && archivingClient.compareAndSet(false, true);
        pb.environment().put("JAVA_OPTS", clientJvm(archiving));
        Process client = pb.start();
        try {
            client.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!client.waitFor(60, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
            return out;
        } finally {
            if (archiving) {
                clientArchived = client.waitFor(10, TimeUnit.SECONDS) && Files.exists(clientArchive());
                archivingClient.set(clientArchived);
            }
        }
    }

    /**
     * The options of bin/client's JVM: the tests make hundreds of calls, each a JVM that lives a second, so it
     * starts from a class-data archive of its own classes (written by the first call, in this distribution's home:
     * it names the jars by their path), compiles with C1 only and logs nothing of its own. About 1.0 s a call
     * instead of 1.9 s here.
     */
    private String clientJvm(boolean archiving) {
        String options = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable";
        if (archiving) {
            return "-XX:ArchiveClassesAtExit=" + clientArchive() + " " + options;
        }
        return clientArchived ? "-XX:SharedArchiveFile=" + clientArchive() + " " + options : options;
    }

    private Path clientArchive() {
        return home.resolve("client.jsa");
    }

    /** Stops the JVM with SIGSTOP, as a long pause (a stalled machine, a debugger) would: it holds what it had. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen JVM go on with SIGCONT. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        run(List.of("kill", "-" + name, String.valueOf(process.pid())), home, Duration.ofSeconds(10));
    }

    /** Kills the JVM with SIGKILL, as a crash or a power cut would end it. */
    public void kill9() throws InterruptedException {
        ProcessHandle jvm = process.toHandle();
        jvm.destroyForcibly();
        jvm.onExit().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        process = null;
    }

    /** Stops Karaf cleanly; kills it if it has not stopped within a minute. */
    public void stop() throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        run(List.of(home.resolve("bin/stop").toString()), home, Duration.ofMinutes(1));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill9();
        }
        process = null;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            kill9();
        }
    }

    private static void run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within " + timeout);
        }
    }

    /**
     * Waits until every id of {@code expected} is a line of {@code file}, or until no line has been added for
     * {@code quiet}, and at most {@code atMost}. Never fails by itself: the caller then asserts on what arrived,
     * and names what did not.
     */
    public static void awaitIds(Path file, Collection<String> expected, Duration quiet, Duration atMost) {
        AtomicInteger seen = new AtomicInteger(-1);
        AtomicLong lastGrowth = new AtomicLong(System.nanoTime());
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<String> lines = lines(file);
                if (lines.size() != seen.getAndSet(lines.size())) {
                    lastGrowth.set(System.nanoTime());
                }
                return new HashSet<>(lines).containsAll(expected)
                        || System.nanoTime() - lastGrowth.get() >= quiet.toNanos();
            });
        } catch (ConditionTimeoutException stillArriving) {
            // lines were still being added at the limit: the caller reports what is missing
        }
    }

    /** The ids of {@code expected} that are not in {@code delivered}, in the order of {@code expected}. */
    public static List<String> missing(Collection<String> expected, Collection<String> delivered) {
        Set<String> arrived = new HashSet<>(delivered);
        return expected.stream().filter(id -> !arrived.contains(id)).toList();
    }

    /** The ids that occur more than once in {@code delivered}, each once, in the order they first occur. */
    public static List<String> repeated(List<String> delivered) {
        Map<String, Long> counts = delivered.stream()
                .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** For reports and failure messages: how many ids, and the first 50 of them. */
    public static String describe(List<String> ids) {
        return ids.size() + (ids.isEmpty() ? "" : " " + ids.subList(0, Math.min(50, ids.size()))
                + (ids.size() > 50 ? " and " + (ids.size() - 50) + " more" : ""));
    }

    public static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
