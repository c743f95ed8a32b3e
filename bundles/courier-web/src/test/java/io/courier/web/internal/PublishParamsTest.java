package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.courier.api.PublishOptions;

class PublishParamsTest {

    @Test
    void noParametersGiveTheDefaults() {
        PublishOptions o = parse(Map.of(), Map.of());
        assertEquals(PublishOptions.DEFAULT_PRIORITY, o.priority());
        assertEquals(Optional.empty(), o.expiration());
        assertEquals(Optional.empty(), o.correlationId());
    }

    @Test
    void queryParametersOrHeadersSetTheOptions() {
        PublishOptions fromQuery = parse(Map.of("priority", "9", "expiration", "60000", "correlationId", "c-1"), Map.of());
        assertEquals(9, fromQuery.priority());
        assertEquals(Optional.of(Duration.ofMinutes(1)), fromQuery.expiration());
        assertEquals(Optional.of("c-1"), fromQuery.correlationId());

        PublishOptions fromHeaders = parse(Map.of(), Map.of("X-Courier-Priority", "2", "X-Courier-Expiration", "5",
                "X-Courier-Correlation-Id", "c-2"));
        assertEquals(2, fromHeaders.priority());
        assertEquals(Optional.of(Duration.ofMillis(5)), fromHeaders.expiration());
        assertEquals(Optional.of("c-2"), fromHeaders.correlationId());

        assertEquals(8, parse(Map.of("priority", "8"), Map.of("X-Courier-Priority", "3")).priority(),
                "the query parameter wins");
    }

    @Test
    void badValuesAre400s() {
        assertEquals("priority must be a whole number from 1 to 9, not '0'", bad(Map.of("priority", "0"), Map.of()));
        assertEquals("priority must be a whole number from 1 to 9, not 'high'",
                bad(Map.of(), Map.of("X-Courier-Priority", "high")));
        assertEquals("expiration (milliseconds) must be a whole number from 1 on, not '-5'",
                bad(Map.of("expiration", "-5"), Map.of()));
        assertEquals("correlationId must be 1 to 200 characters, not blank, without control characters, not '"
                + "x".repeat(100) + "…' (2000 characters)", bad(Map.of(), Map.of("X-Courier-Correlation-Id", "x".repeat(2000))));
        assertEquals("correlationId must be 1 to 200 characters, not blank, without control characters, not 'a?b'",
                bad(Map.of("correlationId", "a\nb"), Map.of()));
        assertEquals("priority must be a whole number from 1 to 9, not '" + "9".repeat(100) + "…' (5000 characters)",
                bad(Map.of(), Map.of("X-Courier-Priority", "9".repeat(5000))));
    }

    private static PublishOptions parse(Map<String, String> query, Map<String, String> headers) {
        return PublishParams.parse(query::get, headers::get);
    }

    private static String bad(Map<String, String> query, Map<String, String> headers) {
        WebException e = assertThrows(WebException.class, () -> parse(query, headers));
        assertEquals(400, e.status());
        return e.getMessage();
    }
}
