package io.courier.itest.services;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.api.Service;

/** Receives messages; waits the message's {@code delayMs}, then records its id in {@code delivered.log}. */
@Component(property = Service.NAME + "=itest.recorder")
public class RecorderService implements Service {

    private final DurableLog delivered = new DurableLog("delivered.log");

    @Override
    public Object handle(Request request, Context ctx) throws InterruptedException {
        PubSubMessage msg = request.pubsubMessage().orElseThrow();
        Object delay = msg.data() instanceof Map<?, ?> m ? m.get("delayMs") : null;
        if (delay instanceof Number n && n.longValue() > 0) {
            Thread.sleep(n.longValue()); // the service's simulated work, not a wait for an outcome
        }
        delivered.append(msg.msgId());
        return null;
    }
}
