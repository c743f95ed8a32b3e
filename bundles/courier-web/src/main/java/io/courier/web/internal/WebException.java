package io.courier.web.internal;

/** A request that cannot be served, with the HTTP status and the message the caller gets. */
final class WebException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    /** For a 429: the seconds to wait before trying again (the Retry-After header); 0 otherwise. */
    private final long retryAfterSeconds;

    WebException(int status, String message) {
        this(status, message, 0);
    }

    private WebException(int status, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static WebException tooManyRequests(String message, long retryAfterSeconds) {
        return new WebException(429, message, retryAfterSeconds);
    }

    static WebException badRequest(String message) {
        return new WebException(400, message);
    }

    static WebException notFound(String message) {
        return new WebException(404, message);
    }
}
