package io.courier.testing.postgresql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for tests: {@code initdb} in a fresh directory under {@code java.io.tmpdir}, started
 * as a child process of this JVM, listening on {@code 127.0.0.1} on a free port and on a unix socket beside its data
 * directory. Tests connect over TCP as {@link #user()} with {@link #password()} (scram-sha-256); {@link #psql} runs
 * SQL as the superuser {@code postgres} over the unix socket.
 *
 * <p>PostgreSQL refuses to run as root: when this JVM runs as root, {@code initdb}, {@code postgres}, {@code pg_ctl},
 * {@code pg_isready} and {@code psql} run as the OS user {@code postgres} through {@code runuser}, and the directory
 * belongs to that user. The binaries come from {@code $COURIER_PG_BIN}, or else the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package).
 *
 * <p>Every method ends only the server it started, by its postmaster's pid or its data directory. Servers still
 * open when the JVM exits are closed (stopped, directory deleted) by a shutdown hook.
 */
public final class PostgresServer implements AutoCloseable {

    /** Environment variable: the directory holding {@code initdb}, {@code postgres}, {@code pg_ctl} and {@code psql}. */
    public static final String BIN_ENV = "COURIER_PG_BIN";

    private static final Path DEBIAN_INSTALLATIONS = Paths.get("/usr/lib/postgresql");
    private static final String HOST = "127.0.0.1";
    private static final String SUPERUSER = "postgres";
    private static final String OS_USER = "postgres";
    private static final String USER = "courier";
    private static final String PASSWORD = "courier";
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,63}");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int STOP_TIMEOUT_SECONDS = 30;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    private static final int LOG_TAIL_LINES = 20;

    // guarded by PostgresServer.class
    private static final Set<PostgresServer> OPEN = new LinkedHashSet<>();
    private static PostgresServer shared;
    private static boolean shutdownHookAdded;

    private final Path bin;
    private final boolean asOsUserPostgres;
    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private int port; // chosen once, after initdb: the later, the less likely another process takes it first

    // guarded by this
    private Process server;
    private long pid;
    private boolean closed;

    private PostgresServer(Path bin, boolean asOsUserPostgres, Path baseDir) {
        this.bin = bin;
        this.asOsUserPostgres = asOsUserPostgres;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.logFile = dataDir.resolve("postgres.log");
    }

    /** One server per JVM, started on first call, stopped (by its own postmaster pid) at JVM exit. Do not stop, kill or close it. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = startNew();
        }
        return shared;
    }

    /** A server of its own in a fresh data directory (for tests that stop or kill it). Close it when done. */
    public static PostgresServer startNew() {
        Path bin = binDirectory(System.getenv(BIN_ENV), DEBIAN_INSTALLATIONS);
        boolean root = runningAsRoot();
        PostgresServer server = new PostgresServer(bin, root, createBaseDirectory(root));
        register(server);
        try {
            server.initdb();
            server.start();
            server.psql("postgres", "CREATE ROLE " + USER + " LOGIN CREATEDB PASSWORD '" + PASSWORD + "';");
            return server;
        } catch (RuntimeException e) {
            try {
                server.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Creates a database owned by {@link #user()}, dropping any older one of that name (and its connections).
     *
     * @param name letters, digits and {@code _}, case kept
     * @return its JDBC URL, {@code jdbc:postgresql://127.0.0.1:PORT/NAME}
     */
    public String createDatabase(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Database name '" + name + "' is not allowed: use 1 to 63 letters, digits and _");
        }
        // one statement at a time (psql reads stdin): CREATE DATABASE cannot run in a transaction block
        psql("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE);\n"
                + "CREATE DATABASE \"" + name + "\" OWNER " + USER + ";\n");
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** The test role: LOGIN, CREATEDB, owner of the databases {@link #createDatabase} creates. */
    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return port;
    }

    /** The pid of the postmaster of the last {@link #start()} (the one that ran, after {@link #stop()} or {@link #kill()}). */
    public synchronized long pid() {
        return pid;
    }

    /** The data directory (its log is {@code postgres.log} in it); deleted by {@link #close()}. */
    public Path dataDirectory() {
        return dataDir;
    }

    /**
     * Starts the server on its data directory and port, and waits until it accepts connections (60 s at most).
     * After a {@link #kill()}, first waits for the old server's processes to exit, and PostgreSQL recovers from
     * its WAL. Does nothing when it is running.
     */
    public synchronized void start() {
        checkNotClosed();
        if (isRunning()) {
            return;
        }
        server = null; // ended on its own, if it ran
        awaitNoProcessesInDataDirectory();
        long began = System.nanoTime();
        Process started;
        try {
            started = new ProcessBuilder(command(bin("postgres"), "-D", dataDir.toString()))
                    .directory(baseDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            started.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + bin("postgres") + ": " + e.getMessage(), e);
        }
        awaitReady(started, began);
        server = started;
        pid = readPid();
        System.err.printf("PostgreSQL %s ready on %s:%d in %d ms: data directory %s, postmaster pid %d%n",
                readVersion(), HOST, port, (System.nanoTime() - began) / 1_000_000, dataDir, pid);
    }

    /** Stops the server cleanly ({@code pg_ctl stop -m fast}; {@code kill -9} of its postmaster after 30 s); data kept. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        if (server.isAlive()) {
            Result result = run(null, Duration.ofSeconds(STOP_TIMEOUT_SECONDS + 10), bin("pg_ctl"), "-D",
                    dataDir.toString(), "stop", "-m", "fast", "-w", "-t", String.valueOf(STOP_TIMEOUT_SECONDS));
            if (result.exitCode() != 0) {
                System.err.printf("pg_ctl stop -m fast failed or timed out after %d s (exit %d: %s); killing the"
                        + " postmaster, pid %d, with kill -9 (data directory %s)%n",
                        STOP_TIMEOUT_SECONDS, result.exitCode(), result.output(), pid, dataDir);
                killPostmaster();
            }
        }
        awaitServerExit();
    }

    /**
     * Crashes the server: {@code kill -9} of its postmaster only (its backends are not signalled). They notice and
     * exit on their own; {@link #start()} waits for them, then PostgreSQL recovers.
     */
    public synchronized void kill() {
        if (!isRunning()) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is not running: nothing to kill");
        }
        killPostmaster();
        awaitServerExit();
    }

    /**
     * Runs SQL as the superuser {@code postgres} over the unix socket, one statement after the other, stopping at
     * the first error.
     *
     * @return what psql printed: rows unaligned ({@code |} between columns), without headers or trailing newline
     */
    public String psql(String database, String sql) {
        if (!isRunning()) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is not running: start() it before psql");
        }
        Result result = run(sql, COMMAND_TIMEOUT, bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", baseDir.toString(), "-p", String.valueOf(port), "-U", SUPERUSER, "-d", database);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("psql on database " + database + " failed (exit " + result.exitCode()
                    + "): " + result.output() + "\nSQL was: " + sql.strip());
        }
        return result.out().stripTrailing();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        synchronized (PostgresServer.class) {
            OPEN.remove(this);
            if (shared == this) {
                shared = null;
            }
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            stop();
            closed = true;
            awaitNoProcessesInDataDirectory();
            deleteRecursively(baseDir);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL on " + HOST + ":" + port + " (data directory " + dataDir + ")";
    }

    /** {@code $COURIER_PG_BIN} if set, else the newest {@code <installations>/<version>/bin} holding initdb. */
    static Path binDirectory(String fromEnvironment, Path installations) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Path bin = Paths.get(fromEnvironment);
            if (!Files.isExecutable(bin.resolve("initdb"))) {
                throw new IllegalStateException(BIN_ENV + "=" + fromEnvironment + " holds no executable initdb:"
                        + " point it at the bin directory of a PostgreSQL server, such as /usr/lib/postgresql/15/bin");
            }
            return bin;
        }
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(installations)) {
            try (Stream<Path> versions = Files.list(installations)) {
                newest = versions
                        .filter(v -> VERSION.matcher(v.getFileName().toString()).matches())
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> versionNumbers(v.getFileName().toString()), Arrays::compare))
                        .map(v -> v.resolve("bin"));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + installations + ": " + e.getMessage(), e);
            }
        }
        return newest.orElseThrow(() -> new IllegalStateException("No PostgreSQL server found in " + installations
                + "/*/bin: install one (Debian: apt-get install postgresql) or set " + BIN_ENV
                + " to the directory holding initdb, pg_ctl, postgres and psql"));
    }

    private static int[] versionNumbers(String version) {
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    private static boolean runningAsRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), UTF_8).strip();
            return id.waitFor() == 0 ? "0".equals(uid) : "root".equals(System.getProperty("user.name"));
        } catch (IOException e) {
            return "root".equals(System.getProperty("user.name"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running id -u", e);
        }
    }

    private static Path createBaseDirectory(boolean root) {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        Path dir;
        try {
            dir = Files.createTempDirectory(tmp, "courier-pg-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for PostgreSQL in " + tmp + ": " + e.getMessage(), e);
        }
        if (root) {
            try {
                Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER));
            } catch (UserPrincipalNotFoundException e) {
                deleteRecursively(dir);
                throw new IllegalStateException("Tests run as root, so PostgreSQL must run as the OS user " + OS_USER
                        + ", which does not exist: install Debian's postgresql package (apt-get install postgresql)");
            } catch (IOException e) {
                deleteRecursively(dir);
                throw new UncheckedIOException("Could not give " + dir + " to the OS user " + OS_USER + ": " + e.getMessage(), e);
            }
        }
        return dir;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free TCP port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    private static synchronized void register(PostgresServer server) {
        OPEN.add(server);
        if (!shutdownHookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(PostgresServer::closeAllOpen, "courier-test-postgresql-exit"));
            shutdownHookAdded = true;
        }
    }

    private static void closeAllOpen() {
        List<PostgresServer> open;
        synchronized (PostgresServer.class) {
            open = new ArrayList<>(OPEN);
        }
        for (PostgresServer server : open) {
            try {
                server.close();
            } catch (RuntimeException e) {
                System.err.println("Could not close " + server + " at JVM exit: " + e.getMessage());
            }
        }
    }

    private void initdb() {
        // --no-sync: initdb's final flush only; the server itself keeps fsync and synchronous_commit on
        Result result = run(null, COMMAND_TIMEOUT, bin("initdb"), "-D", dataDir.toString(), "-U", SUPERUSER,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("initdb failed (exit " + result.exitCode() + ") in " + dataDir
                    + (asOsUserPostgres ? " (run as the OS user " + OS_USER + ", who must be able to reach it)" : "")
                    + ": " + result.output());
        }
        port = freePort();
        String settings = "\n# courier-test-postgresql\n"
                + "listen_addresses = '" + HOST + "'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = '" + baseDir + "'\n"
                + "max_connections = 300\n";
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not add settings to " + dataDir.resolve("postgresql.conf") + ": " + e.getMessage(), e);
        }
    }

    /** Polls pg_isready until the server accepts connections; fails at once if postgres exits. */
    private void awaitReady(Process started, long began) {
        long deadline = began + START_TIMEOUT.toNanos();
        try {
            while (!started.waitFor(100, MILLISECONDS)) {
                if (run(null, Duration.ofSeconds(10), bin("pg_isready"), "-q", "-h", HOST, "-p", String.valueOf(port))
                        .exitCode() == 0) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    started.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                    started.destroyForcibly();
                    started.waitFor(EXIT_TIMEOUT.toSeconds(), SECONDS);
                    throw startFailure("not accepting connections after " + START_TIMEOUT.toSeconds() + " s; killed it");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
            throw new IllegalStateException("Interrupted while starting " + this, e);
        }
        throw startFailure("postgres exited with code " + started.exitValue());
    }

    private IllegalStateException startFailure(String what) {
        return new IllegalStateException("PostgreSQL did not start on " + HOST + ":" + port + " (" + what
                + "), data directory " + dataDir + "; last " + LOG_TAIL_LINES + " lines of " + logFile + ":\n"
                + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = new String(Files.readAllBytes(logFile), UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(could not read it: " + e + ")";
        }
    }

    private void killPostmaster() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Waits for the postmaster to end: our child process is postgres itself, or runuser, which ends with it. */
    private void awaitServerExit() {
        try {
            if (!server.waitFor(EXIT_TIMEOUT.toSeconds(), SECONDS)) {
                throw new IllegalStateException("PostgreSQL postmaster " + pid + " still runs " + EXIT_TIMEOUT.toSeconds()
                        + " s after it was told to end (data directory " + dataDir + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + this + " to end", e);
        }
        server = null;
    }

    /**
     * After a crash the old backends exit once they notice their postmaster is gone; until they have, a new
     * postmaster refuses to start ("pre-existing shared memory block is still in use"). Every server process
     * has the data directory as its working directory, which is how they are found here, on Linux.
     */
    private void awaitNoProcessesInDataDirectory() {
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        List<Long> left;
        while (!(left = processesInDataDirectory()).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Processes " + left + " of an earlier PostgreSQL server still run "
                        + EXIT_TIMEOUT.toSeconds() + " s after its postmaster ended (data directory " + dataDir + ")");
            }
            try {
                Thread.sleep(50); // polling /proc: nothing to wait on for processes that are not our children
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the processes " + left + " to exit", e);
            }
        }
    }

    private List<Long> processesInDataDirectory() {
        Path proc = Paths.get("/proc");
        if (!Files.isDirectory(proc)) {
            return List.of();
        }
        try (Stream<Path> processes = Files.list(proc)) {
            return processes
                    .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readSymbolicLink(p.resolve("cwd")).equals(dataDir);
                        } catch (IOException | SecurityException e) {
                            return false; // gone, a zombie, or not ours
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list /proc: " + e.getMessage(), e);
        }
    }

    private long readPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not read the postmaster's pid from " + pidFile + ": " + e, e);
        }
    }

    private String readVersion() {
        try {
            return Files.readString(dataDir.resolve("PG_VERSION")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private synchronized boolean isRunning() {
        return server != null && server.isAlive();
    }

    private synchronized void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException(this + " is closed: its data directory is deleted");
        }
    }

    private String bin(String program) {
        return bin.resolve(program).toString();
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        if (asOsUserPostgres) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.addAll(List.of(args));
        return command;
    }

    private record Result(int exitCode, String out, String err) {
        String output() {
            return (out.strip() + "\n" + err.strip()).strip();
        }
    }

    /** Runs a program (as the OS user postgres when we are root) in the base directory, output kept in files. */
    private Result run(String stdin, Duration timeout, String... args) {
        List<String> command = command(args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("courier-pg-", ".out");
            err = Files.createTempFile("courier-pg-", ".err");
            Process process = new ProcessBuilder(command).directory(baseDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream input = process.getOutputStream()) {
                if (stdin != null) {
                    input.write(stdin.getBytes(UTF_8));
                }
            } catch (IOException e) {
                // the program stopped reading (it failed): its exit code and output say why
            }
            if (!process.waitFor(timeout.toMillis(), MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(out), UTF_8),
                    new String(Files.readAllBytes(err), UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("Could not delete " + file + ": " + e.getMessage());
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
