package io.courier.example.banking;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * Writes an audit line per customer overview, invoked asynchronously by {@code bank.api}, and per transfer
 * event, received durably through the shared topic {@code /bank/transfers}.
 */
@Component(property = { Service.NAME + "=bank.audit", Service.SUBSCRIBE + "=" + Transfer.EVENTS })
public class Audit implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    @Override
    public Object handle(Request request, Context ctx) {
        String how = request.pubsubMessage().map(m -> "message " + m.msgId() + " on " + m.topic()).orElse("call");
        LOG.info("Audit ({} from {}, correlation {}): {}", how, request.caller().orElse("-"), request.correlationId(),
                request.payload());
        return null;
    }
}
