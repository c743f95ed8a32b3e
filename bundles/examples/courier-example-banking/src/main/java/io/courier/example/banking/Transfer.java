package io.courier.example.banking;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.InvokeOptions;
import io.courier.api.Request;
import io.courier.api.RetryOptions;
import io.courier.api.Service;

/**
 * A transfer: {@code {"transferId":"t-1","from":"c-1","to":"c-2","amount":25}}. Checks the sender with the fraud
 * service (synchronously, at most 1 s), books it on the ledger (retrying a busy ledger up to 3 times), then
 * publishes a durable event to the shared topic {@code /bank/transfers}.
 */
@Component(property = Service.NAME + "=bank.transfer")
public class Transfer implements Service {

    static final String EVENTS = "/bank/transfers";

    @Override
    public Object handle(Request request, Context ctx) {
        Map<?, ?> transfer = request.payloadAs(Map.class);
        if (transfer == null || !(transfer.get("transferId") instanceof String id) || transfer.get("from") == null
                || !(transfer.get("amount") instanceof Number)) {
            throw new IllegalArgumentException(
                    "bank.transfer needs {\"transferId\":\"t-1\",\"from\":\"c-1\",\"to\":\"c-2\",\"amount\":25}");
        }
        ctx.invoke("bank.fraud", Map.of("customerId", transfer.get("from")),
                InvokeOptions.builder().timeout(Duration.ofSeconds(1)).build());
        Object booking = ctx.patterns().invokeRetry("bank.ledger", transfer, RetryOptions.builder().attempts(3)
                .interval(Duration.ofMillis(100)).retryOn(LedgerBusyException.class).build());
        String eventId = ctx.pubsub().publish(EVENTS, Map.of("transferId", id, "booking", booking));
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("transferId", id);
        done.put("booking", booking);
        done.put("event", eventId);
        return done;
    }
}
