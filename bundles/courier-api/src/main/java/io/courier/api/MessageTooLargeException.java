package io.courier.api;

/**
 * A publish was refused because its data, written as JSON, is larger than the configured limit; nothing was stored.
 *
 * @since 1.1
 */
public class MessageTooLargeException extends InvalidPublishException {

    private static final long serialVersionUID = 1L;

    private final int bytes;
    private final int limit;

    public MessageTooLargeException(String message, int bytes, int limit) {
        super(message);
        this.bytes = bytes;
        this.limit = limit;
    }

    /** The size of the refused data, in bytes of JSON (UTF-8). */
    public int bytes() {
        return bytes;
    }

    /** The largest size accepted, in bytes. */
    public int limit() {
        return limit;
    }
}
