package io.courier.pubsub.internal;

import java.time.Instant;
import java.util.Optional;

import io.courier.api.PubSubMessage;
import io.courier.core.Json;
import io.courier.pubsub.internal.store.DueDelivery;

/** A message as handed to its subscriber; the data is decoded from JSON on first use. */
final class DeliveredMessage implements PubSubMessage {

    private final DueDelivery d;
    private final String topic;
    private Object data;
    private boolean decoded;

    DeliveredMessage(DueDelivery d, String topic) {
        this.d = d;
        this.topic = topic;
    }

    @Override
    public String msgId() {
        return d.msgId();
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public synchronized Object data() {
        if (!decoded) {
            data = Json.read(d.data());
            decoded = true;
        }
        return data;
    }

    @Override
    public <T> T dataAs(Class<T> type) {
        return Json.read(d.data(), type);
    }

    @Override
    public String mimeType() {
        return d.mimeType();
    }

    @Override
    public int priority() {
        return d.priority();
    }

    @Override
    public Instant publishedAt() {
        return Instant.ofEpochMilli(d.publishedAt());
    }

    @Override
    public Optional<Instant> expiresAt() {
        return d.expiresAt() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(d.expiresAt()));
    }

    @Override
    public String correlationId() {
        return d.correlationId();
    }

    @Override
    public Optional<String> inReplyTo() {
        return Optional.ofNullable(d.inReplyTo());
    }

    @Override
    public Optional<String> extClientId() {
        return Optional.ofNullable(d.extClientId());
    }

    @Override
    public Optional<String> publisher() {
        return Optional.ofNullable(d.publisher());
    }

    @Override
    public int attempt() {
        return d.attempts() + 1;
    }

    @Override
    public String toString() {
        return "PubSubMessage[" + d.msgId() + " on " + topic + ", attempt " + attempt() + "]";
    }
}
