package io.courier.web.internal;

import java.util.Map;

import io.courier.api.InvalidPublishException;
import io.courier.api.InvocationDepthException;
import io.courier.api.InvocationException;
import io.courier.api.InvocationTimeoutException;
import io.courier.api.MessageTooLargeException;
import io.courier.api.PublishException;
import io.courier.api.RejectedInvocationException;
import io.courier.api.ServiceNotFoundException;
import io.courier.api.UnknownTopicException;
import io.courier.core.Json;
import io.courier.pubsub.StoreUnavailableException;

/**
 * What a failure means to an HTTP caller: its status and the message it reads. Courier's own exceptions say
 * themselves what went wrong; anything else is a fault of the server (500), whose message names only its type.
 */
final class Errors {

    static final int INTERNAL = 500;
    /** The most characters of a caller's input an error message quotes. */
    static final int QUOTED = 100;

    private Errors() {
    }

    static int status(Throwable e) {
        if (e instanceof WebException w) {
            return w.status();
        }
        if (e instanceof ServiceNotFoundException || e instanceof UnknownTopicException) {
            return 404;
        }
        if (e instanceof MessageTooLargeException) {
            return 413;
        }
        if (e instanceof InvalidPublishException) {
            return 400; // what was asked is wrong: the same request fails again
        }
        if (e instanceof InvocationTimeoutException) {
            return 504; // the service did not answer in time
        }
        if (e instanceof InvocationException || e instanceof InvocationDepthException) {
            return 502; // the service failed, not the API
        }
        if (e instanceof PublishException || e instanceof RejectedInvocationException
                || e instanceof StoreUnavailableException) {
            return 503; // storage out of reach, pub/sub stopping, asynchronous queue full: try again later
        }
        return INTERNAL;
    }

    static String message(Throwable e) {
        return status(e) == INTERNAL
                ? "Internal error (" + e.getClass().getName() + "); the server's log (data/log/karaf.log) says more"
                : e.getMessage();
    }

    /**
     * A caller's input as an error message quotes it: in single quotes, control characters as {@code ?} (the
     * message stays one line), and past {@value #QUOTED} characters only their beginning, then {@code …} and the
     * length. Every error that echoes a name, id, header or parameter goes through here.
     */
    static String quote(String input) {
        int end = input.length() <= QUOTED ? input.length()
                : Character.isHighSurrogate(input.charAt(QUOTED - 1)) ? QUOTED - 1 : QUOTED;
        StringBuilder quoted = new StringBuilder(end + 32).append('\'');
        input.substring(0, end).codePoints().forEach(c -> quoted.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        quoted.append(end < input.length() ? "…' (" + input.length() + " characters)" : "'");
        return quoted.toString();
    }

    /** The JSON body of an error response: {@code {"error": "..."}}. */
    static String json(String message) {
        return Json.write(Map.of("error", message));
    }
}
