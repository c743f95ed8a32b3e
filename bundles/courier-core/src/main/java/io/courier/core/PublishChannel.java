package io.courier.core;

import org.osgi.annotation.versioning.ConsumerType;

import io.courier.api.PublishOptions;

/**
 * Where services' publishes go: registered by the pub/sub bundle, used by each service's
 * {@link io.courier.api.Context#pubsub()}.
 */
@ConsumerType
public interface PublishChannel {

    /**
     * @param publisher the publishing service, or null outside any service
     * @see io.courier.api.PubSub#publish(String, Object, PublishOptions)
     */
    String publish(String publisher, String name, Object data, PublishOptions options);
}
