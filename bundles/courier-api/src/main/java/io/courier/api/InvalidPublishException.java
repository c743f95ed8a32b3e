package io.courier.api;

/**
 * A publish was refused for what it asked, not for the state of Courier: a name that can be neither a service's
 * nor a shared topic's, data that cannot be written as JSON, a wrong number of messages. Nothing was stored, and
 * the same publish will be refused again; a plain {@link PublishException} (the store out of reach, pub/sub
 * stopping) may succeed later.
 */
public class InvalidPublishException extends PublishException {

    private static final long serialVersionUID = 1L;

    public InvalidPublishException(String message) {
        super(message);
    }

    public InvalidPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
