package io.courier.api;

/** A publish named a service or a shared topic that Courier has never seen; nothing was stored. */
public class UnknownTopicException extends InvalidPublishException {

    private static final long serialVersionUID = 1L;

    private final String name;

    public UnknownTopicException(String name, String message) {
        super(message);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
