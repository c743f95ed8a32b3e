package io.courier.example.banking;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/** The balance of a customer's account. */
@Component(property = Service.NAME + "=bank.account")
public class Account implements Service {

    @Override
    public Object handle(Request request, Context ctx) {
        String customerId = (String) request.payloadAs(Map.class).get("customerId");
        return Map.of("iban", "DE89 3704 0044 0532 0130 00", "balance", 1250.40 + customerId.length(),
                "currency", "EUR");
    }
}
