/**
 * Courier's public API.
 * <p>
 * A Courier service is an OSGi service of type {@link io.courier.api.Service} registered with the
 * property {@value io.courier.api.Service#NAME} (its name). Services call each other through the
 * {@link io.courier.api.Context} they are handed: synchronously ({@code invoke}), asynchronously in RAM
 * ({@code invokeAsync}), or durably through {@link io.courier.api.PubSub}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.courier.api;
