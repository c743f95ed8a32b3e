package io.courier.itest.services;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * Publishes continuously in the background: {@code {"threads": 4, "target": "itest.recorder"}} starts the
 * publishers and returns at once ({@code "count": n} stops each after n messages); each message id is recorded in {@code acked.log} once publish has returned
 * it. {@code load.log} records {@code begin <key>} before each publish and {@code acked <key>} after it, so that
 * a publish begun but never acknowledged shows that the JVM died during its commit. They run until the bundle
 * stops or the JVM dies.
 */
@Component(property = Service.NAME + "=itest.load")
public class LoadService implements Service {

    private final DurableLog acked = new DurableLog("acked.log");
    private final DurableLog load = new DurableLog("load.log");
    private final List<Thread> publishers = new ArrayList<>();

    @Override
    public synchronized Object handle(Request request, Context ctx) {
        Map<?, ?> p = request.payloadAs(Map.class);
        int threads = ((Number) p.get("threads")).intValue();
        String target = p.get("target") == null ? "itest.recorder" : p.get("target").toString();
        long count = p.get("count") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread publisher = new Thread(() -> {
                String run = Long.toHexString(System.nanoTime()) + "-" + thread;
                for (long i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
                    try {
                        String key = run + "-" + i;
                        load.append("begin " + key);
                        acked.append(ctx.pubsub().publish(target, Map.of("thread", thread, "i", i)));
                        load.append("acked " + key);
                    } catch (RuntimeException e) {
                        return; // Courier stopping: the load ends with it
                    }
                }
            }, "itest-load-" + t);
            publisher.setDaemon(true);
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
