package io.courier.web.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows password guessing down, per client address. The first {@value #FREE_FAILURES} failed logins in a row
 * cost nothing. After that, one attempt at a time is checked, and only once a delay has passed since the last
 * failure: 1 s, doubling with each further failure, up to {@value #MAX_DELAY_MS} ms. Any attempt before then
 * is refused without checking the password. A successful login forgets the address's failures; so does a
 * quiet hour.
 */
final class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final long FIRST_DELAY_MS = 1_000;
    static final long MAX_DELAY_MS = 5 * 60_000;
    /** Failures older than this are forgotten. */
    static final long FORGET_AFTER_MS = 60 * 60_000;
    /** Beyond this many addresses, the forgotten ones are removed, at most once a minute (a scan of them all). */
    static final int PRUNE_ABOVE = 10_000;
    private static final long PRUNE_EVERY_MS = 60_000;

    /** An address's failures in a row, the time of the last one, and whether an attempt is being checked. */
    private static final class Record {
        int failures;
        long lastFailureAt;
        boolean checking;
    }

    private final Map<String, Record> records = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private volatile long prunedAt;

    LoginThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Asks to check a login attempt from an address; if admitted, {@link #done} must follow.
     *
     * @return 0 if the attempt may be checked, otherwise the milliseconds to wait before the next one
     */
    long admit(String address) {
        long now = clock.getAsLong();
        Record r = records.computeIfAbsent(address, a -> new Record());
        synchronized (r) {
            if (now - r.lastFailureAt >= FORGET_AFTER_MS) {
                r.failures = 0;
            }
            if (r.failures < FREE_FAILURES) {
                return 0;
            }
            long wait = r.lastFailureAt + delay(r.failures) - now;
            if (wait > 0) {
                return wait;
            }
            if (r.checking) {
                return FIRST_DELAY_MS; // one attempt at a time once the free ones are spent
            }
            r.checking = true;
            return 0;
        }
    }

    /** Records the outcome of an admitted attempt. */
    void done(String address, boolean succeeded) {
        Record r = records.get(address);
        if (r == null) {
            return;
        }
        long now = clock.getAsLong();
        synchronized (r) {
            r.checking = false;
            if (succeeded) {
                r.failures = 0;
            } else {
                r.failures++;
                r.lastFailureAt = now;
            }
        }
        if (records.size() > PRUNE_ABOVE && now - prunedAt >= PRUNE_EVERY_MS) {
            prunedAt = now;
            prune(now);
        }
    }

    /** How many addresses are tracked. */
    int tracked() {
        return records.size();
    }

    private void prune(long now) {
        records.entrySet().removeIf(e -> {
            Record r = e.getValue();
            synchronized (r) {
                return !r.checking && (r.failures == 0 || now - r.lastFailureAt >= FORGET_AFTER_MS);
            }
        });
    }

    /** The delay after this many failures in a row, once the free ones are spent. */
    static long delay(int failures) {
        int doublings = Math.min(failures - FREE_FAILURES, 20);
        return Math.min(FIRST_DELAY_MS << doublings, MAX_DELAY_MS);
    }
}
