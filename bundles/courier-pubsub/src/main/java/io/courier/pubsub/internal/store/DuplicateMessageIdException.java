package io.courier.pubsub.internal.store;

/** A caller-chosen message id is already in use. */
public class DuplicateMessageIdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String msgId;

    public DuplicateMessageIdException(String msgId) {
        super("message id '" + msgId + "' is already in use by a stored message");
        this.msgId = msgId;
    }

    public String msgId() {
        return msgId;
    }
}
