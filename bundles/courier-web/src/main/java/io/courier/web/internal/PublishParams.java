package io.courier.web.internal;

import java.time.Duration;
import java.util.function.UnaryOperator;

import io.courier.api.PublishOptions;

/**
 * A publish's options from a request: each from its query parameter or, if absent, its header
 * ({@code priority} or {@code X-Courier-Priority}, {@code expiration} or {@code X-Courier-Expiration} in
 * milliseconds, {@code correlationId} or {@code X-Courier-Correlation-Id}).
 */
final class PublishParams {

    private PublishParams() {
    }

    /**
     * @param query  a query parameter by name, or null
     * @param header a header by name, or null
     * @throws WebException 400 for a value out of range, naming it and quoting the value
     */
    static PublishOptions parse(UnaryOperator<String> query, UnaryOperator<String> header) {
        PublishOptions.Builder options = PublishOptions.builder();
        options.priority(Paging.number("priority", value("priority", "X-Courier-Priority", query, header),
                PublishOptions.DEFAULT_PRIORITY, PublishOptions.MIN_PRIORITY, PublishOptions.MAX_PRIORITY));
        int expiration = Paging.number("expiration (milliseconds)",
                value("expiration", "X-Courier-Expiration", query, header), 0, 1, Integer.MAX_VALUE);
        if (expiration > 0) {
            options.expiration(Duration.ofMillis(expiration));
        }
        String correlationId = value("correlationId", "X-Courier-Correlation-Id", query, header);
        if (correlationId != null) {
            try {
                options.correlationId(correlationId);
            } catch (IllegalArgumentException e) {
                // the builder's message holds the whole value: quote only its beginning
                throw WebException.badRequest("correlationId must be 1 to " + PublishOptions.MAX_ID_LENGTH
                        + " characters, not blank, without control characters, not " + Errors.quote(correlationId));
            }
        }
        return options.build();
    }

    private static String value(String param, String name, UnaryOperator<String> query, UnaryOperator<String> header) {
        String v = query.apply(param);
        return v != null ? v : header.apply(name);
    }
}
