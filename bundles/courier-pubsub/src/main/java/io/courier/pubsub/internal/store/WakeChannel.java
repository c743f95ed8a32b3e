package io.courier.pubsub.internal.store;

/**
 * Where nodes share the database, how a node wakes the delivery of a subscription on the others at once, rather
 * than at their next sweep: a publish on one node to a service registered on another (see
 * {@link Dialect#wakeChannel}). A wake-up is a hint: one that is lost (a listening connection that broke, a node
 * that started after it was sent) is made up for by the delivery sweep.
 */
public interface WakeChannel extends AutoCloseable {

    /** The channel of a node that has the database to itself: there is no one to wake. */
    WakeChannel NONE = new WakeChannel() {
        @Override
        public void wakeOthers(long subscriptionId) {
        }

        @Override
        public void close() {
        }
    };

    /** Tells the other nodes that a subscription has work now; returns at once, the telling done meanwhile. */
    void wakeOthers(long subscriptionId);

    /** Stops listening and telling. */
    @Override
    void close();
}
