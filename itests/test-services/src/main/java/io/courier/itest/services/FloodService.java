package io.courier.itest.services;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * Publishes as fast as it can, for the benchmarks: {@code {"threads": 8, "ms": 10000}} starts that many publishers,
 * each publishing to {@code itest.sink} (or {@code "target"}) one message after the other, a payload of about
 * {@code "bytes"} (256 by default), for that long; it returns at once. {@code {"published": true}} returns how many
 * publishes were acknowledged since the bundle started and how many publishers still run. Nothing is written to disk.
 */
@Component(property = Service.NAME + "=itest.flood")
public class FloodService implements Service {

    private final LongAdder published = new LongAdder();
    private final AtomicInteger running = new AtomicInteger();
    private final List<Thread> publishers = new ArrayList<>();

    @Override
    public synchronized Object handle(Request request, Context ctx) {
        Map<?, ?> p = request.payloadAs(Map.class);
        if (Boolean.TRUE.equals(p.get("published"))) {
            return Map.of("published", published.sum(), "running", running.get());
        }
        int threads = ((Number) p.get("threads")).intValue();
        long until = System.currentTimeMillis() + ((Number) p.get("ms")).longValue();
        String target = p.get("target") == null ? "itest.sink" : p.get("target").toString();
        String pad = "x".repeat(p.get("bytes") instanceof Number n ? n.intValue() : 256);
        publishers.removeIf(t -> !t.isAlive());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread publisher = new Thread(() -> {
                try {
                    for (long i = 0; System.currentTimeMillis() < until; i++) {
                        ctx.pubsub().publish(target, Map.of("thread", thread, "i", i, "pad", pad));
                        published.increment();
                    }
                } catch (RuntimeException e) {
                    // Courier stopping: the flood ends with it
                } finally {
                    running.decrementAndGet();
                }
            }, "itest-flood-" + t);
            publisher.setDaemon(true);
            running.incrementAndGet();
            publisher.start();
            publishers.add(publisher);
        }
        return Map.of("started", threads);
    }

    @Deactivate
    synchronized void stop() {
        publishers.forEach(Thread::interrupt);
        publishers.clear();
    }
}
