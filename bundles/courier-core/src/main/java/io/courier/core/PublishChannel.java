package io.courier.core;

import java.util.List;

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

    /**
     * @param publisher the publishing service, or null outside any service
     * @see io.courier.api.PubSub#publishAll(String, List, PublishOptions)
     */
    List<String> publishAll(String publisher, String name, List<?> data, PublishOptions options);
}
