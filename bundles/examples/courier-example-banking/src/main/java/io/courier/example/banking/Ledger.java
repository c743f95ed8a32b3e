package io.courier.example.banking;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/** Books transfers. It is busy the first time it sees each transfer, to show invoke-retry at work. */
@Component(property = Service.NAME + "=bank.ledger")
public class Ledger implements Service {

    private final Set<Object> seen = ConcurrentHashMap.newKeySet();

    @Override
    public Object handle(Request request, Context ctx) {
        Object transferId = request.payloadAs(Map.class).get("transferId");
        if (seen.add(transferId)) {
            throw new LedgerBusyException("ledger busy, try again");
        }
        Map<String, Object> booking = new LinkedHashMap<>();
        booking.put("booked", transferId);
        booking.put("attempts", 2);
        return booking;
    }
}
