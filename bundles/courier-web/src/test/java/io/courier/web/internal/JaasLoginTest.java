package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class JaasLoginTest {

    private final JaasLogin jaas = new JaasLogin("karaf", "admin");

    @Test
    void requestsWithoutBasicCredentialsAreLeftToTheSession() {
        assertEquals(Optional.empty(), jaas.basic(null));
        assertEquals(Optional.empty(), jaas.basic("Bearer abc"));
    }

    @Test
    void malformedOrRefusedBasicCredentialsAre401s() {
        assertEquals(401, assertThrows(WebException.class, () -> jaas.basic("Basic !!!")).status());
        assertEquals("Wrong user name or password",
                assertThrows(WebException.class, () -> jaas.basic("Basic bm9jb2xvbg==")).getMessage()); // "nocolon"
    }
}
