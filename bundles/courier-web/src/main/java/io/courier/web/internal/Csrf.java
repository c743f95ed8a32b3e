package io.courier.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Tokens against cross-site request forgery: one random token per login session, required on every POST made
 * with that session. A forged request from another site carries the session cookie but cannot read the token.
 */
final class Csrf {

    /** The form field that carries the token. */
    static final String FIELD = "csrf";
    /** The header that carries the token, for scripts and API calls made with the session. */
    static final String HEADER = "X-CSRF-Token";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether the token sent matches the session's, compared in constant time. */
    static boolean matches(String expected, String sent) {
        if (expected == null || sent == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
