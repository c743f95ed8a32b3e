package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CsrfTest {

    @Test
    void tokensAreRandomAndUrlSafe() {
        String a = Csrf.newToken();
        assertNotEquals(a, Csrf.newToken());
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
    }

    @Test
    void onlyTheSessionsOwnTokenMatches() {
        String token = Csrf.newToken();
        assertTrue(Csrf.matches(token, token));
        assertTrue(Csrf.matches(token, new String(token)));
        assertFalse(Csrf.matches(token, null));
        assertFalse(Csrf.matches(token, ""));
        assertFalse(Csrf.matches(token, token.substring(1)));
        assertFalse(Csrf.matches(token, Csrf.newToken()));
        assertFalse(Csrf.matches(null, token), "no session token: nothing matches");
        assertFalse(Csrf.matches(null, null));
    }
}
