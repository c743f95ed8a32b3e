package io.courier.example.banking;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.FanInResult;
import io.courier.api.FanOutOptions;
import io.courier.api.InvocationResult;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * The customer overview: {@code {"customerId":"c-1"}} in, account, customer and fraud score out. The three
 * lookups run in parallel (fan-out/fan-in); one that fails or takes over 2 s is reported, not fatal.
 */
@Component(property = Service.NAME + "=bank.api")
public class BankApi implements Service {

    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

    @Override
    public Object handle(Request request, Context ctx) {
        Map<?, ?> query = request.payloadAs(Map.class);
        if (query == null || !(query.get("customerId") instanceof String customerId)) {
            throw new IllegalArgumentException("bank.api needs {\"customerId\": \"...\"}");
        }
        Map<String, Object> lookup = Map.of("customerId", customerId);
        Map<String, Object> targets = new LinkedHashMap<>(); // results come back in this order
        targets.put("bank.customer", lookup);
        targets.put("bank.account", lookup);
        targets.put("bank.fraud", lookup);
        FanInResult results = ctx.patterns()
                .fanOut(targets, FanOutOptions.builder().timeout(LOOKUP_TIMEOUT).build())
                .completion().toCompletableFuture().join();

        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("customerId", customerId);
        results.results().forEach((service, result) -> overview.put(service.substring("bank.".length()),
                result.succeeded() ? result.response() : Map.of("unavailable", result.errorText().orElse(""))));

        // Nothing waits for the audit, and it is lost if the server stops first: it lives in RAM only.
        ctx.invokeAsync("bank.audit", Map.of("customerId", customerId, "complete", results.allSucceeded(),
                "failed", results.results().values().stream().filter(r -> !r.succeeded())
                        .map(InvocationResult::service).toList()));
        return overview;
    }
}
