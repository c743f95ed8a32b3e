package io.courier.pubsub;

/**
 * One value of a service's effective delivery policy and where it comes from: a service property
 * ({@code courier.delivery.<key>}), the service's {@code io.courier.delivery} configuration, or the
 * {@code io.courier.pubsub} defaults.
 */
public record PolicyValue(String key, String value, String source) {
}
