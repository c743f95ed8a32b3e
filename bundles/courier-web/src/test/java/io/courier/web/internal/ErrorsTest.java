package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.courier.api.InvocationDepthException;
import io.courier.api.InvocationException;
import io.courier.api.InvocationTimeoutException;
import io.courier.api.MessageTooLargeException;
import io.courier.api.InvalidPublishException;
import io.courier.api.PublishException;
import io.courier.api.RejectedInvocationException;
import io.courier.api.ServiceNotFoundException;
import io.courier.api.UnknownTopicException;

class ErrorsTest {

    @Test
    void courierExceptionsGetTheirStatusAndKeepTheirMessage() {
        assertEquals(404, Errors.status(new ServiceNotFoundException("x")));
        assertEquals(404, Errors.status(new UnknownTopicException("x", "unknown")));
        assertEquals(413, Errors.status(new MessageTooLargeException("too large", 2, 1)));
        assertEquals(503, Errors.status(new PublishException("database out of reach")));
        assertEquals(400, Errors.status(new InvalidPublishException("data cannot be written as JSON")));
        assertEquals(503, Errors.status(new RejectedInvocationException("queue full")));
        assertEquals(504, Errors.status(new InvocationTimeoutException("x", Duration.ofMillis(5))));
        assertEquals(502, Errors.status(new InvocationException("x", new Exception("checked"))));
        assertEquals(502, Errors.status(new InvocationDepthException("too deep")));
        assertEquals("too large", Errors.message(new MessageTooLargeException("too large", 2, 1)));
    }

    @Test
    void webExceptionsCarryTheirStatus() {
        assertEquals(400, Errors.status(WebException.badRequest("bad")));
        assertEquals(404, Errors.status(WebException.notFound("gone")));
        assertEquals(403, Errors.status(new WebException(403, "no")));
        assertEquals("bad", Errors.message(WebException.badRequest("bad")));
    }

    @Test
    void anythingElseIsAServerFaultWhoseDetailsStayInTheLog() {
        RuntimeException npe = new NullPointerException("secret detail");
        assertEquals(500, Errors.status(npe));
        assertEquals(500, Errors.status(new IllegalArgumentException("unexpected")));
        assertTrue(Errors.message(npe).startsWith("Internal error (java.lang.NullPointerException)"));
        assertTrue(!Errors.message(npe).contains("secret detail"));
    }

    @Test
    void echoedInputIsQuotedOnOneLineAndOnlyItsBeginningWhenLong() {
        assertEquals("'order-17'", Errors.quote("order-17"));
        assertEquals("''", Errors.quote(""));
        assertEquals("'" + "x".repeat(100) + "'", Errors.quote("x".repeat(100)));
        assertEquals("'" + "x".repeat(100) + "…' (2000 characters)", Errors.quote("x".repeat(2000)));
        assertEquals("'a?b?c'", Errors.quote("a\nb\u0000c"));
        // a character outside the BMP is never cut in half
        String emoji = "x".repeat(99) + "\uD83D\uDE00" + "y";
        assertEquals("'" + "x".repeat(99) + "…' (102 characters)", Errors.quote(emoji));
    }

    @Test
    void theErrorBodyIsJsonWithEscapedText() {
        assertEquals("{\"error\":\"a \\\"quoted\\\" name\"}", Errors.json("a \"quoted\" name"));
    }
}
