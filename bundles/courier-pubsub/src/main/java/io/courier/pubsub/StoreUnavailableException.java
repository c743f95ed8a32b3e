package io.courier.pubsub;

/**
 * The store is not open: its database has not answered since the node started (see {@link PubSubAdmin#database()},
 * which says why). The node keeps trying and opens it as soon as the database answers.
 */
public class StoreUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }
}
