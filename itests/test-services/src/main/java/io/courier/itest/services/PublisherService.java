package io.courier.itest.services;

import java.util.Map;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

import org.osgi.service.component.annotations.Component;

/**
 * Publishes {@code count} messages to {@code target} (default {@code itest.recorder}), each with
 * {@code {"i": n}}, and records each message id in {@code acked.log} once publish has
 * returned it.
 */
@Component(property = Service.NAME + "=itest.publisher")
public class PublisherService implements Service {

    private final DurableLog acked = new DurableLog("acked.log");

    @Override
    public Object handle(Request request, Context ctx) {
        Map<?, ?> p = request.payloadAs(Map.class);
        int count = ((Number) p.get("count")).intValue();
        Object target = p.get("target") == null ? "itest.recorder" : p.get("target");
        for (int i = 0; i < count; i++) {
            acked.append(ctx.pubsub().publish(target.toString(), Map.of("i", i)));
        }
        return Map.of("published", count);
    }
}
