package io.courier.itest.services;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * Takes every message and does nothing with it but count it, for the benchmarks: invoked directly, it returns how
 * many it took since the bundle started and the time it counted them at ({@code {"delivered": n, "atMs": t}}).
 */
@Component(property = Service.NAME + "=itest.sink")
public class SinkService implements Service {

    private final LongAdder delivered = new LongAdder();

    @Override
    public Object handle(Request request, Context ctx) {
        if (request.pubsubMessage().isEmpty()) {
            return Map.of("delivered", delivered.sum(), "atMs", System.currentTimeMillis());
        }
        delivered.increment();
        return null;
    }
}
