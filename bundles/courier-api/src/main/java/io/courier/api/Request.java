package io.courier.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** One call to a {@link Service}: its payload and where it comes from. */
@ProviderType
public interface Request {

    /**
     * The payload as the caller gave it, or, for a pub/sub delivery, the message's data decoded from JSON
     * ({@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean} or {@code null}).
     */
    Object payload();

    /**
     * The payload converted to a type: returned as is when it already has that type, otherwise mapped
     * through JSON (a {@code Map} to a bean or record, for example).
     *
     * @throws IllegalArgumentException if the payload cannot be converted
     */
    <T> T payloadAs(Class<T> type);

    /** The correlation id shared by every call and message of one business transaction; never null. */
    String correlationId();

    /** The name of the calling service, or empty when the call came from outside any service. */
    Optional<String> caller();

    /**
     * What this call answers: for a callback of an asynchronous invocation, the invocation's id; for a pub/sub
     * delivery, the message's in-reply-to.
     */
    Optional<String> inReplyTo();

    /** The message being delivered, present when this call is a pub/sub delivery. */
    Optional<PubSubMessage> pubsubMessage();
}
