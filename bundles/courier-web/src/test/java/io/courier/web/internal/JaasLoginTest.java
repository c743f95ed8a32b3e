package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class JaasLoginTest {

    private static final String ADDRESS = "10.0.0.1";

    private final AtomicLong now = new AtomicLong(1_000_000);
    /** No realm is configured here: every password is refused. */
    private final JaasLogin jaas = new JaasLogin("karaf", "admin", "viewer", new LoginThrottle(now::get));

    @Test
    void requestsWithoutBasicCredentialsAreLeftToTheSession() {
        assertEquals(Optional.empty(), jaas.basic(null, ADDRESS));
        assertEquals(Optional.empty(), jaas.basic("Bearer abc", ADDRESS));
    }

    @Test
    void malformedOrRefusedBasicCredentialsAre401s() {
        assertEquals(401, assertThrows(WebException.class, () -> jaas.basic("Basic !!!", ADDRESS)).status());
        assertEquals("Wrong user name or password",
                assertThrows(WebException.class, () -> jaas.basic("Basic bm9jb2xvbg==", ADDRESS)).getMessage()); // "nocolon"
    }

    @Test
    void afterFiveFailedLoginsTheNextIsA429UntilTheWaitIsOver() {
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:guess".getBytes());
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertEquals(401, assertThrows(WebException.class, () -> jaas.basic(wrong, ADDRESS)).status());
        }

        WebException tooMany = assertThrows(WebException.class, () -> jaas.basic(wrong, ADDRESS));
        assertEquals(429, tooMany.status());
        assertEquals(1, tooMany.retryAfterSeconds());
        assertEquals("Too many failed logins from 10.0.0.1: try again in 1 second", tooMany.getMessage());
        assertEquals(429, assertThrows(WebException.class, () -> jaas.login("admin", "guess", ADDRESS)).status(),
                "the form's login too");

        now.addAndGet(1_000);
        assertEquals(401, assertThrows(WebException.class, () -> jaas.basic(wrong, ADDRESS)).status(),
                "checked again once the wait is over");
    }
}
