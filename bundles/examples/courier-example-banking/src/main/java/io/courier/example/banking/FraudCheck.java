package io.courier.example.banking;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * A fraud score. Customer {@code c-down} makes it fail and customer {@code c-slow} makes it answer after
 * 5 s, to show how {@code bank.api} reports a failed or late lookup.
 */
@Component(property = Service.NAME + "=bank.fraud")
public class FraudCheck implements Service {

    @Override
    public Object handle(Request request, Context ctx) throws InterruptedException {
        String customerId = (String) request.payloadAs(Map.class).get("customerId");
        if ("c-down".equals(customerId)) {
            throw new IllegalStateException("fraud scoring backend unreachable");
        }
        if ("c-slow".equals(customerId)) {
            Thread.sleep(5_000);
        }
        return Map.of("score", 0.02, "model", "2026-11");
    }
}
