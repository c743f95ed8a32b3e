package io.courier.api;

import java.time.Instant;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** A durable message as it is delivered to a subscriber. */
@ProviderType
public interface PubSubMessage {

    /** The message's unique id, as returned by {@link PubSub#publish}. */
    String msgId();

    /** The topic the message was published to: a service name, or a shared topic such as {@code /orders}. */
    String topic();

    /** The data, decoded from JSON: {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean} or {@code null}. */
    Object data();

    /**
     * The data mapped to a type through JSON.
     *
     * @throws IllegalArgumentException if the data cannot be mapped to that type
     */
    <T> T dataAs(Class<T> type);

    /** The mime type given by the publisher, {@code application/json} by default. */
    String mimeType();

    /** The priority, 1 (lowest) to 9 (highest); messages of higher priority are delivered first. */
    int priority();

    Instant publishedAt();

    /** When the message stops being delivered; empty if it never expires. */
    Optional<Instant> expiresAt();

    String correlationId();

    Optional<String> inReplyTo();

    Optional<String> extClientId();

    /** The publishing service, or empty when the message was published from outside any service. */
    Optional<String> publisher();

    /** The delivery attempt this is: 1 the first time, 2 on the first retry... */
    int attempt();
}
