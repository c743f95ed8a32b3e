package io.courier.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time spent by processes, read from Linux's {@code /proc}: on a machine whose cores are all busy, the figure
 * that tells what a message costs, where throughput only tells how the cores were shared. A process's time
 * counts its threads' user and system time and that of its children it has waited for; a server's time adds its
 * live children's (a PostgreSQL postmaster's backends).
 */
final class CpuTime {

    /** What {@code /proc} counts time in: USER_HZ, 100 per second on every Linux architecture Java runs on. */
    private static final long MICROS_PER_TICK = 10_000;

    /** {@code -Dbench.pg.pid}: the postmaster of the PostgreSQL server the figures' {@code pg.} store is on. */
    static final String PG_PID_PROPERTY = "bench.pg.pid";

    private final long jvm0;
    private final long pg0;
    private final long pgPid;

    private CpuTime(long pgPid) {
        this.pgPid = pgPid;
        this.jvm0 = jvm();
        this.pg0 = pgPid == 0 ? 0 : serverMicros(pgPid);
    }

    /** Starts counting this JVM's time, and the PostgreSQL server's if {@value #PG_PID_PROPERTY} names one. */
    static CpuTime start() {
        return new CpuTime(Long.getLong(PG_PID_PROPERTY, 0));
    }

    /** Starts counting this JVM's time and that of the server whose postmaster is {@code pgPid}. */
    static CpuTime start(long pgPid) {
        return new CpuTime(pgPid);
    }

    /** Microseconds of CPU this JVM spent since the start. */
    long jvmSince() {
        return jvm() - jvm0;
    }

    /** Microseconds of CPU the PostgreSQL server spent since the start; 0 without one. */
    long pgSince() {
        return pgPid == 0 ? 0 : serverMicros(pgPid) - pg0;
    }

    /** Whether a PostgreSQL server is counted. */
    boolean countsPostgres() {
        return pgPid != 0;
    }

    private static long jvm() {
        return ownMicros(ProcessHandle.current().pid());
    }

    /** A process's time and its live children's. */
    static long serverMicros(long pid) {
        long micros = ownMicros(pid);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                long[] stat = stat(p);
                if (stat != null && stat[0] == pid) {
                    micros += (stat[1] + stat[2] + stat[3] + stat[4]) * MICROS_PER_TICK;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return micros;
    }

    /** A process's user and system time, with that of the children it has waited for. */
    static long ownMicros(long pid) {
        long[] stat = stat(Path.of("/proc", Long.toString(pid)));
        if (stat == null) {
            throw new IllegalStateException("No process " + pid + " in /proc");
        }
        return (stat[1] + stat[2] + stat[3] + stat[4]) * MICROS_PER_TICK;
    }

    /**
     * The parent pid, utime, stime, cutime and cstime of {@code /proc/<pid>/stat} (fields 4, 14 to 17; the
     * command name, field 2, is in parentheses and may hold spaces); null if the process is gone.
     */
    private static long[] stat(Path proc) {
        String line;
        try {
            line = Files.readString(proc.resolve("stat"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.exists(proc)) {
                return null; // ended between the listing and the read
            }
            throw new UncheckedIOException(e);
        }
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state)
        return new long[] { Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14]) };
    }
}
