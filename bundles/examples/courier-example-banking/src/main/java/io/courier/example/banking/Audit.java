package io.courier.example.banking;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/** Writes an audit line per customer overview, invoked asynchronously by {@code bank.api}. */
@Component(property = Service.NAME + "=bank.audit")
public class Audit implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    @Override
    public Object handle(Request request, Context ctx) {
        LOG.info("Audit {} (called by {}, correlation {}): {}", ctx.serviceName(), request.caller().orElse("-"),
                request.correlationId(), request.payload());
        return null;
    }
}
