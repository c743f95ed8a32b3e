package io.courier.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An integration service. Register an instance as an OSGi service (Declarative Services, Blueprint or
 * {@code BundleContext.registerService}) with the String property {@value #NAME} set to the service's
 * name; Courier picks it up through the whiteboard pattern.
 * <p>
 * Whiteboard properties:
 * <ul>
 * <li>{@value #NAME} (required): the name other services use to reach this one. Letters, digits,
 * {@code .}, {@code -} and {@code _}, at most {@value #MAX_NAME_LENGTH} characters. A registration with an
 * invalid name is ignored with a warning. When two services share a name, the one with the higher
 * {@code service.ranking} is used and the other takes over if the first goes away.</li>
 * <li>{@value #SUBSCRIBE} (optional, String or String[]): shared topics ({@code /orders/created}) whose
 * messages this service receives.</li>
 * <li>{@code courier.delivery.*} (optional): the delivery policy for messages published to this service,
 * overriding the configuration ({@code maxAttempts}, {@code backoffInitialMs}, {@code backoffMaxMs},
 * {@code backoffMultiplier}, {@code ordered}, {@code timeoutMs}).</li>
 * </ul>
 */
@ConsumerType
public interface Service {

    /** The service property that names a service. */
    String NAME = "courier.service";

    /** The service property listing the shared topics a service subscribes to. */
    String SUBSCRIBE = "courier.subscribe";

    /** The longest name a service or a topic may have. */
    int MAX_NAME_LENGTH = 200;

    /**
     * Handles one request.
     *
     * @param request the payload and its metadata; for a pub/sub delivery, {@link Request#pubsubMessage()}
     *                holds the message
     * @param ctx     what this service may do while handling the request: invoke other services, publish
     * @return the response, given to a synchronous caller; ignored for pub/sub deliveries
     * @throws Exception any failure; a synchronous caller receives it, a pub/sub delivery is retried
     */
    Object handle(Request request, Context ctx) throws Exception;
}
