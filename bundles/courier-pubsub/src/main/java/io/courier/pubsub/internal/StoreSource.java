package io.courier.pubsub.internal;

import java.util.function.Consumer;

import io.courier.pubsub.DatabaseInfo;
import io.courier.pubsub.internal.store.Store;

/** The store, once its database is open ({@link DatabaseConnector}); pub/sub starts on it. */
public interface StoreSource {

    /**
     * Hands the store to {@code start} once it is open: at once, on the caller's thread, if it is; otherwise on the
     * connecting thread when it opens.
     *
     * @return cancels the wait (a start already under way is not stopped)
     */
    Runnable whenOpen(Consumer<Store> start);

    /** Which database, and whether the store is open on it (if not, why). */
    DatabaseInfo info();
}
