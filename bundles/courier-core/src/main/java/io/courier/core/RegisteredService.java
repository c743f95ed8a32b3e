package io.courier.core;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

import io.courier.api.PubSubMessage;

/** One registration of a Courier service. */
@ProviderType
public interface RegisteredService {

    String name();

    long serviceId();

    int ranking();

    long bundleId();

    String bundleSymbolicName();

    String bundleVersion();

    /** The shared topics named by the service's {@code courier.subscribe} property. */
    List<String> subscriptions();

    /** The service's properties. */
    Map<String, Object> properties();

    /**
     * Calls the service with a pub/sub message, as the pub/sub engine does.
     *
     * @return the service's response
     * @throws ServiceGoneException if the registration went away before the call
     * @throws Exception            whatever the service threw, unchanged
     */
    Object deliver(PubSubMessage message) throws Exception;
}
