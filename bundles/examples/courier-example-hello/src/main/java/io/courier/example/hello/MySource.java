package io.courier.example.hello;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Context;
import io.courier.api.Request;
import io.courier.api.Service;

/** Publishes a durable message to {@code my.target}; returns the message's id. */
@Component(property = Service.NAME + "=my.source")
public class MySource implements Service {

    @Override
    public Object handle(Request request, Context ctx) {
        return Map.of("msgId", ctx.pubsub().publish("my.target", Map.of("abc", "Hello World")));
    }
}
