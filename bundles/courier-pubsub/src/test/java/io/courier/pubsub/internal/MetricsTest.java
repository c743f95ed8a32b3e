package io.courier.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.courier.pubsub.Latency;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.ServiceStats;

class MetricsTest {

    private static final long T0 = 1_800_000_000_000L; // a whole second

    @Test
    void theRateIsTheLastFullMinutesAverage() {
        Metrics.Counter c = new Metrics.Counter();
        for (int s = 0; s < 60; s++) {
            c.add(2, T0 + s * 1000L + 500);
        }
        assertEquals(120, c.total());
        assertEquals(2.0, c.perSecond(T0 + 60_000), 1e-9, "60 full seconds of 2 a second");
        assertEquals(118 / 60.0, c.perSecond(T0 + 61_000), 1e-9, "second 0 left the window, second 60 is empty");
        assertEquals(0.0, c.perSecond(T0 + 3_600_000), 1e-9, "an hour later nothing is recent");
        assertEquals(120, c.total(), "the total stays");
    }

    @Test
    void theCurrentSecondCountsOnlyOnceItIsOver() {
        Metrics.Counter c = new Metrics.Counter();
        c.add(60, T0 + 100);
        assertEquals(0.0, c.perSecond(T0 + 900), 1e-9);
        assertEquals(1.0, c.perSecond(T0 + 1000), 1e-9);
    }

    @Test
    void aSlotReusedAMinuteLaterStartsFromZero() {
        Metrics.Counter c = new Metrics.Counter();
        c.add(30, T0);
        c.add(6, T0 + 60_000); // same slot, a minute later
        assertEquals(6 / 60.0, c.perSecond(T0 + 61_000), 1e-9);
        assertEquals(36, c.total());
    }

    @Test
    void statsArePerServiceSortedByName() {
        Metrics m = new Metrics(Instant.EPOCH);
        m.published("b", 3);
        m.delivered("b", 2);
        m.failed("b", 1);
        m.dead("b", 1);
        m.published("a", 1);
        m.delivered("a", 0);

        List<ServiceStats> stats = m.stats(System.currentTimeMillis());
        assertEquals(List.of("a", "b"), stats.stream().map(ServiceStats::service).toList());
        ServiceStats b = stats.get(1);
        assertEquals(3, b.published());
        assertEquals(2, b.delivered());
        assertEquals(1, b.failed());
        assertEquals(1, b.dead());
        assertEquals(0, stats.get(0).delivered());
    }

    @Test
    void aSnapshotReadOnAnotherNodeGivesTheSameFigures() {
        Metrics m = new Metrics(Instant.ofEpochMilli(T0));
        m.published("orders", 3);
        m.delivered("orders", 2);
        m.failed("billing", 1);
        m.dead("billing", 1);
        m.handled("orders", T0 - 40, T0 + 1_000);
        long now = T0 + 5_000;

        NodeStats read = Metrics.read("node-a", m.snapshot(now));

        assertEquals(new NodeStats("node-a", Instant.ofEpochMilli(T0), m.stats(now), Instant.ofEpochMilli(now)), read);
        assertEquals(1, read.services().get(1).latency().count());
    }

    @Test
    void aSnapshotOfAnEarlierBuildHasNoLatency() {
        NodeStats read = Metrics.read("node-a", "{\"since\":0,\"services\":[{\"service\":\"s\",\"published\":1,"
                + "\"delivered\":1,\"failed\":0,\"dead\":0,\"publishedPerSecond\":0.0,\"deliveredPerSecond\":0.0,"
                + "\"failedPerSecond\":0.0}]}");
        assertEquals(Latency.NONE, read.services().get(0).latency());
    }

    @Test
    void theLatencyIsTheLastMinutesPublishToHandleTimes() {
        Metrics m = new Metrics(Instant.EPOCH);
        for (int i = 0; i < 99; i++) {
            m.handled("s", T0, T0 + 12); // 12 ms after its publish
        }
        m.handled("s", T0, T0 + 900);
        Latency l = m.stats(T0 + 1_000).get(0).latency();
        assertEquals(100, l.count());
        assertEquals(Latency.upperBoundMs(Latency.bucket(12)), l.percentileMs(0.5));
        assertEquals(Latency.upperBoundMs(Latency.bucket(900)), l.percentileMs(0.995));
        assertEquals(100, m.stats(T0 + 50_000).get(0).latency().count(), "50 s later: still within the minute");
        assertEquals(Latency.NONE, m.stats(T0 + 61_000).get(0).latency(), "a minute later: gone");
        m.handled("s", T0 + 70_000, T0 + 70_003); // a slot used a minute ago starts empty
        assertEquals(1, m.stats(T0 + 70_005).get(0).latency().count());
    }
}
