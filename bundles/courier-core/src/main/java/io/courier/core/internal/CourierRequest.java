package io.courier.core.internal;

import java.util.Optional;

import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.core.Json;

/** A request as handed to a service. */
record CourierRequest(Object payload, String correlationId, String callerName, String inReplyToId,
        PubSubMessage message) implements Request {

    @Override
    public <T> T payloadAs(Class<T> type) {
        return Json.convert(payload, type);
    }

    @Override
    public Optional<String> caller() {
        return Optional.ofNullable(callerName);
    }

    @Override
    public Optional<String> inReplyTo() {
        return Optional.ofNullable(inReplyToId);
    }

    @Override
    public Optional<PubSubMessage> pubsubMessage() {
        return Optional.ofNullable(message);
    }
}
