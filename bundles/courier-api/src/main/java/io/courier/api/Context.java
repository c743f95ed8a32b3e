package io.courier.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a service can do while it handles a request: the calls of {@link Courier}, made as this service.
 * Invocations and messages made through a context carry its correlation id and name this service as their
 * caller or publisher.
 */
@ProviderType
public interface Context extends Courier {

    /** The name of the service handling the request. */
    String serviceName();

    /** The correlation id of the current request. */
    String correlationId();
}
