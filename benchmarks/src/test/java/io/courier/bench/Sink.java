package io.courier.bench;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/** The trivial service messages are delivered to: counts them and records publish-to-handle latency. */
final class Sink implements Service {

    final Latencies latencies = new Latencies(8_000_000);
    final AtomicLong handled = new AtomicLong();
    final AtomicLong lastHandledAt = new AtomicLong();
    final AtomicLong firstHandledAt = new AtomicLong();

    @Override
    public Object handle(Request request, Context ctx) {
        long now = System.nanoTime();
        Object data = request.pubsubMessage().map(m -> m.data()).orElse(null);
        if (data instanceof Map<?, ?> map && map.get("t") instanceof Number sent) {
            latencies.add(now - sent.longValue());
        }
        firstHandledAt.compareAndSet(0, now);
        lastHandledAt.set(now);
        handled.incrementAndGet();
        return null;
    }

    void reset() {
        latencies.clear();
        handled.set(0);
        firstHandledAt.set(0);
        lastHandledAt.set(0);
    }

    /** Waits until {@code count} messages were handled since the last reset; false after {@code timeoutMs}. */
    boolean await(long count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (handled.get() < count) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
