package io.courier.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable publish/subscribe. Also registered as an OSGi service for code that is not a Courier service.
 * <p>
 * A name without a leading {@code /} is a service: the message goes to that service's own topic. A name
 * with one ({@code /orders/created}) is a shared topic: every service subscribed to it through
 * {@value Service#SUBSCRIBE} receives the message.
 */
@ProviderType
public interface PubSub {

    /** Publishes with the default options. */
    default String publish(String name, Object data) {
        return publish(name, data, PublishOptions.defaults());
    }

    /**
     * Stores a message and returns its id once it is committed to disk; delivery happens asynchronously.
     *
     * @param name    a service name or a shared topic; it must be known: a service registered at least once
     *                (it may be unregistered right now: the message waits for it), or a shared topic with a
     *                subscriber
     * @param data    anything Jackson can write as JSON: maps, lists, strings, numbers, beans, records
     * @param options priority, expiration, correlation id and the other message metadata
     * @return the message id
     * @throws PublishException if the message is rejected (unknown name, data not serialisable to JSON or
     *                          too large, duplicate message id, storage failure); nothing is stored then
     */
    String publish(String name, Object data, PublishOptions options);

    /**
     * Publishes several messages to one service or shared topic with the default options.
     *
     * @since 1.1
     */
    default List<String> publishAll(String name, List<?> data) {
        return publishAll(name, data, PublishOptions.defaults());
    }

    /**
     * Stores several messages to one service or shared topic in one transaction (one commit to disk) and
     * returns their ids, in the order of {@code data}, once all are committed: all are stored or none.
     * Faster than publishing them one by one when a caller has many at hand.
     *
     * @param options the same for every message; a message id of the caller's own cannot be given here
     * @throws PublishException as {@link #publish(String, Object, PublishOptions)}, for any of the messages;
     *                          nothing is stored then
     * @since 1.1
     */
    List<String> publishAll(String name, List<?> data, PublishOptions options);
}
