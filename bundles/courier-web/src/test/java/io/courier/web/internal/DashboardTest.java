package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DashboardTest {

    @Test
    void serviceAndSharedTopicNamesPass() {
        assertEquals("my.target", Dashboard.name("my.target"));
        assertEquals("/orders/created", Dashboard.name("/orders/created"));
        assertEquals("x".repeat(200), Dashboard.name("x".repeat(200)));
    }

    @Test
    void aNameThatCanBeNeitherIsA400QuotingItsBeginning() {
        WebException e = assertThrows(WebException.class, () -> Dashboard.name("bad name"));
        assertEquals(400, e.status());
        assertEquals("'bad name' is neither a service name (letters, digits, '.', '-', '_', at most 200 characters)"
                + " nor a shared topic name ('/' then such names separated by '/')", e.getMessage());
        for (String bad : new String[] { "", "/", "a//b", "/a/", "x".repeat(201), "new\nline" }) {
            assertEquals(400, assertThrows(WebException.class, () -> Dashboard.name(bad), bad).status());
        }
        String longName = assertThrows(WebException.class, () -> Dashboard.name("x".repeat(2000))).getMessage();
        assertTrue(longName.startsWith("'" + "x".repeat(100) + "…' (2000 characters) is neither a service name "),
                longName);
    }
}
