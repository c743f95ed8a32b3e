package io.courier.pubsub;

import java.util.ArrayList;
import java.util.List;

/**
 * How long a service's messages took from their publish to the end of their {@code handle}, over the last minute
 * (kept in slots of 10 seconds: the current one and the five before, so 50 to 60 seconds): a histogram of fixed
 * buckets ({@link #upperBoundMs}): 1 to 8 ms, then 10, 12, 14, 17 and on, each about 20% wider than the one before,
 * up to an hour, and a last one for anything longer. Histograms of several nodes add up ({@link #plus}); a
 * percentile is the upper bound of the bucket it falls in, so it overstates by up to a fifth and never understates.
 *
 * @param counts how many deliveries fell in each bucket, from the first; trailing empty buckets left out
 */
public record Latency(List<Long> counts) {

    private static final long[] BOUNDS = bounds();

    /** No delivery. */
    public static final Latency NONE = new Latency(List.of());

    /** What {@link #percentileMs} answers when the share is reached only past an hour. */
    public static final long OVER_AN_HOUR = Long.MAX_VALUE;

    public Latency {
        counts = counts == null ? List.of() : trimmed(counts);
    }

    /** The number of buckets; the last takes everything above the one before it. */
    public static int buckets() {
        return BOUNDS.length;
    }

    /** The bucket a time falls in. */
    public static int bucket(long ms) {
        int low = 0;
        int high = BOUNDS.length - 1;
        while (low < high) { // the first bound at or above ms
            int mid = (low + high) >>> 1;
            if (BOUNDS[mid] >= ms) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** The longest time a bucket holds, in milliseconds ({@link Long#MAX_VALUE} for the last). */
    public static long upperBoundMs(int bucket) {
        return BOUNDS[bucket];
    }

    /** How many deliveries it counts. */
    public long count() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The time within which a share of the deliveries ended, such as 0.99 for p99: the upper bound of the bucket
     * where that share is reached; -1 without deliveries, {@link #OVER_AN_HOUR} past an hour.
     */
    public long percentileMs(double share) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(share * total));
        long seen = 0;
        for (int i = 0; i < counts.size(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return BOUNDS[i];
            }
        }
        return BOUNDS[counts.size() - 1];
    }

    /**
     * A percentile as the shell and the dashboard show it, in milliseconds: {@code -} without deliveries, {@code > 1 h}
     * past an hour, the number otherwise.
     */
    public static String format(long percentileMs) {
        return percentileMs < 0 ? "-" : percentileMs == OVER_AN_HOUR ? "> 1 h" : String.valueOf(percentileMs);
    }

    /** The deliveries of both, as one histogram. */
    public Latency plus(Latency other) {
        List<Long> sum = new ArrayList<>(counts.size() >= other.counts.size() ? counts : other.counts);
        List<Long> shorter = counts.size() >= other.counts.size() ? other.counts : counts;
        for (int i = 0; i < shorter.size(); i++) {
            sum.set(i, sum.get(i) + shorter.get(i));
        }
        return new Latency(sum);
    }

    private static List<Long> trimmed(List<Long> counts) {
        int end = Math.min(counts.size(), BOUNDS.length);
        while (end > 0 && counts.get(end - 1) == 0) {
            end--;
        }
        return List.copyOf(counts.subList(0, end));
    }

    /** 1 to 8 ms, then about 20% wider each, up to an hour; the last bucket is everything above. */
    private static long[] bounds() {
        List<Long> bounds = new ArrayList<>();
        long b = 1;
        while (b < 3_600_000) {
            bounds.add(b);
            b = Math.max(b + 1, Math.round(b * 1.2));
        }
        bounds.add(3_600_000L);
        bounds.add(Long.MAX_VALUE);
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }
}
