package io.courier.web.internal;

/** A request that cannot be served, with the HTTP status and the message the caller gets. */
final class WebException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    WebException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static WebException badRequest(String message) {
        return new WebException(400, message);
    }

    static WebException notFound(String message) {
        return new WebException(404, message);
    }
}
