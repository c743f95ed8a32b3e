package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ApiTest {

    @Test
    void aBodyIsReadAsUtf8() {
        assertEquals("{\"a\":\"é€😀\"}", Api.utf8("{\"a\":\"é€😀\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("", Api.utf8(new byte[0]));
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedNotAltered() {
        byte[] latin1 = "{\"a\":\"café\"}".getBytes(StandardCharsets.ISO_8859_1);
        WebException e = assertThrows(WebException.class, () -> Api.utf8(latin1));
        assertEquals(400, e.status());
        assertEquals("The request body is not valid UTF-8 (from byte offset 9 on): send JSON encoded as UTF-8",
                e.getMessage());

        byte[] cut = { '"', (byte) 0xE2, (byte) 0x82 }; // the first two of the three bytes of €
        assertEquals("The request body is not valid UTF-8 (from byte offset 1 on): send JSON encoded as UTF-8",
                assertThrows(WebException.class, () -> Api.utf8(cut)).getMessage());
    }

    @Test
    void aBodyNestedTooDeepIsA400InOneLine() {
        WebException e = assertThrows(WebException.class, () -> Api.parse("[".repeat(100_000)));
        assertEquals(400, e.status());
        assertEquals("The request body is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed"
                + " (1000)", e.getMessage());
    }
}
