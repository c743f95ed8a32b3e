package io.courier.example.banking;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/** Who the customer is. */
@Component(property = Service.NAME + "=bank.customer")
public class Customer implements Service {

    @Override
    public Object handle(Request request, Context ctx) {
        String customerId = (String) request.payloadAs(Map.class).get("customerId");
        return Map.of("customerId", customerId, "name", "Ada Lovelace", "segment", "retail");
    }
}
