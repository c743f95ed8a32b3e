package io.courier.itest.services;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * Receives messages and records each id in {@code delivered.log}. Invoked directly with {@code {"holdAfter": n}},
 * it lets the next {@code n} messages through, then holds the following one inside {@code handle}, as a service
 * busy with it, for as long as this JVM runs (or until Courier's delivery timeout interrupts it): a test can kill
 * Karaf while messages are in flight and pending, at a point it chose. A restarted Karaf holds nothing. Invoked
 * with {@code {"delayMs": n}}, it takes that long over each message from then on (0: no delay). Invoked with
 * {@code {"latencies": true}}, it returns how long each message received since the last such call took from its
 * publish to its handling, in milliseconds (publisher and recorder on one machine, so one clock).
 */
@Component(property = Service.NAME + "=itest.recorder")
public class RecorderService implements Service {

    private final DurableLog delivered = new DurableLog("delivered.log");
    /** Messages still let through before holding; negative: hold none. */
    private final AtomicInteger passes = new AtomicInteger(-1);
    private final CountDownLatch neverReleased = new CountDownLatch(1);
    private volatile long delayMs;
    private final List<Long> latenciesMs = new ArrayList<>();

    @Override
    public Object handle(Request request, Context ctx) throws InterruptedException {
        Optional<PubSubMessage> msg = request.pubsubMessage();
        if (msg.isEmpty()) {
            Map<?, ?> settings = request.payloadAs(Map.class);
            if (Boolean.TRUE.equals(settings.get("latencies"))) {
                synchronized (latenciesMs) {
                    List<Long> taken = List.copyOf(latenciesMs);
                    latenciesMs.clear();
                    return Map.of("latenciesMs", taken);
                }
            }
            if (settings.get("delayMs") instanceof Number delay) {
                delayMs = delay.longValue();
                return Map.of("delayMs", delayMs);
            }
            int holdAfter = ((Number) settings.get("holdAfter")).intValue();
            passes.set(holdAfter);
            return Map.of("holdingAfter", holdAfter);
        }
        long latency = System.currentTimeMillis() - msg.get().publishedAt().toEpochMilli();
        synchronized (latenciesMs) {
            latenciesMs.add(latency);
        }
        if (passes.getAndUpdate(p -> p > 0 ? p - 1 : p) == 0) {
            neverReleased.await();
        }
        if (delayMs > 0) {
            // the service's own work, which a stop of delivery interrupts
            neverReleased.await(delayMs, TimeUnit.MILLISECONDS);
        }
        delivered.append(msg.get().msgId());
        return null;
    }
}
