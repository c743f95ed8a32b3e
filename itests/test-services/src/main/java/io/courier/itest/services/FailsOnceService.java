package io.courier.itest.services;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * Fails the first delivery of each message and, with one attempt per message, makes it a dead letter at once;
 * handles it when it is retried, and records its id in {@code fails-once.log}.
 */
@Component(service = Service.class, property = { Service.NAME + "=itest.fails.once", "courier.delivery.maxAttempts=1" })
public class FailsOnceService implements Service {

    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final DurableLog handled = new DurableLog("fails-once.log");

    @Override
    public Object handle(Request request, Context ctx) {
        PubSubMessage msg = request.pubsubMessage().orElseThrow();
        if (failed.add(msg.msgId())) {
            throw new IllegalStateException("the first delivery of " + msg.msgId() + " fails");
        }
        handled.append(msg.msgId());
        return null;
    }
}
