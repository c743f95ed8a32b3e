package io.courier.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class LatencyTest {

    @Test
    void everyTimeFallsInTheFirstBucketThatHoldsIt() {
        assertEquals(0, Latency.bucket(0));
        assertEquals(0, Latency.bucket(1));
        assertEquals(1, Latency.bucket(2));
        for (long ms : new long[] { 3, 10, 11, 99, 1000, 59_999, 3_600_000 }) {
            int b = Latency.bucket(ms);
            assertTrue(Latency.upperBoundMs(b) >= ms && Latency.upperBoundMs(b - 1) < ms, ms + " in bucket " + b);
            assertTrue(Latency.upperBoundMs(b) <= Math.max(ms + 1, ms * 1.2), ms + ": bucket too wide");
        }
        assertEquals(Latency.buckets() - 1, Latency.bucket(3_600_001));
        assertEquals(Long.MAX_VALUE, Latency.upperBoundMs(Latency.bucket(Long.MAX_VALUE)));
    }

    @Test
    void percentilesAreTheUpperBoundOfTheirBucket() {
        List<Long> counts = new ArrayList<>(Collections.nCopies(Latency.buckets(), 0L));
        counts.set(Latency.bucket(5), 98L);
        counts.set(Latency.bucket(200), 2L);
        Latency l = new Latency(counts);
        assertEquals(100, l.count());
        assertEquals(5, l.percentileMs(0.5));
        assertEquals(5, l.percentileMs(0.98));
        assertEquals(Latency.upperBoundMs(Latency.bucket(200)), l.percentileMs(0.99));
        assertEquals(-1, Latency.NONE.percentileMs(0.5));
        assertEquals("-", Latency.format(Latency.NONE.percentileMs(0.5)));
        assertEquals("5", Latency.format(l.percentileMs(0.5)));
        assertEquals(Latency.bucket(200) + 1, l.counts().size(), "trailing empty buckets are left out");
    }

    @Test
    void everyTimeUpToAnHourIsAtMostAFifthBelowItsBound() {
        for (long ms = 2; ms <= 3_600_000; ms += ms < 1000 ? 1 : 997) {
            long bound = Latency.upperBoundMs(Latency.bucket(ms));
            assertTrue(bound >= ms && bound <= Math.max(ms + 1, ms * 1.2), ms + " ms in a bucket up to " + bound);
        }
    }

    @Test
    void pastAnHourIsSaidSoNotAsANumber() {
        List<Long> counts = new ArrayList<>(Collections.nCopies(Latency.buckets(), 0L));
        counts.set(Latency.bucket(7_200_000), 1L);
        Latency l = new Latency(counts);
        assertEquals(Latency.OVER_AN_HOUR, l.percentileMs(0.5));
        assertEquals("> 1 h", Latency.format(l.percentileMs(0.5)));
    }

    @Test
    void histogramsOfTwoNodesAddUp() {
        Latency a = new Latency(List.of(1L, 2L));
        Latency b = new Latency(List.of(0L, 1L, 0L, 4L, 0L));
        assertEquals(List.of(1L, 3L, 0L, 4L), a.plus(b).counts());
        assertEquals(a.plus(b), b.plus(a));
        assertEquals(a, a.plus(Latency.NONE));
        assertEquals(Latency.NONE, new Latency(null));
    }
}
