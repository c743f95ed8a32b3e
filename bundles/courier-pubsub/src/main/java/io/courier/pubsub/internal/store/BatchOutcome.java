package io.courier.pubsub.internal.store;

import java.util.ArrayList;
import java.util.List;

/** What happened to the deliveries of one batch, recorded by {@link Store#write}. */
public final class BatchOutcome {

    /**
     * A delivery that is done with (delivered or expired), its message's key, and whether the message has a row of
     * its own (see {@link DueDelivery}).
     */
    public record Done(long deliveryId, long messageSeq, boolean messageRow) {

        Done(DueDelivery d) {
            this(d.deliveryId(), d.messageSeq(), d.messageRow());
        }
    }

    /** A failed attempt: the delivery's new attempt count, when to try again, or dead. */
    public record Failure(long deliveryId, int attempts, long nextAttemptAt, boolean dead, String error) {
    }

    private final List<Done> delivered = new ArrayList<>();
    private final List<Done> expired = new ArrayList<>();
    private final List<Failure> failed = new ArrayList<>();
    private final List<Long> released = new ArrayList<>();

    public void delivered(DueDelivery d) {
        delivered.add(new Done(d));
    }

    public void expired(DueDelivery d) {
        expired.add(new Done(d));
    }

    public void failed(Failure failure) {
        failed.add(failure);
    }

    /**
     * A delivery fetched but not attempted (the batch ended before it): it stays pending, attempts unchanged, and
     * where nodes share the database this node lets go of its claim, so that any node may deliver it.
     */
    public void released(DueDelivery d) {
        released.add(d.deliveryId());
    }

    public List<Long> released() {
        return released;
    }

    public List<Done> delivered() {
        return delivered;
    }

    public List<Done> expired() {
        return expired;
    }

    public List<Failure> failed() {
        return failed;
    }

    /** Whether nothing was done with any delivery (what was only released may be). */
    public boolean isEmpty() {
        return delivered.isEmpty() && expired.isEmpty() && failed.isEmpty();
    }
}
