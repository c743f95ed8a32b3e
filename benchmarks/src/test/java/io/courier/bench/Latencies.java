package io.courier.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, kept whole (no buckets) up to a fixed count; thread-safe. */
final class Latencies {

    private final long[] values;
    private int count;

    Latencies(int capacity) {
        values = new long[capacity];
    }

    synchronized void add(long nanos) {
        if (count < values.length) {
            values[count++] = nanos;
        }
    }

    synchronized void clear() {
        count = 0;
    }

    synchronized int count() {
        return count;
    }

    /** The percentile (0-100) in milliseconds; 100 is the maximum. */
    synchronized double percentileMs(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, i))] / 1e6;
    }
}
