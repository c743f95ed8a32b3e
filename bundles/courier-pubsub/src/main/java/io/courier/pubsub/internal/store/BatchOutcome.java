package io.courier.pubsub.internal.store;

import java.util.ArrayList;
import java.util.List;

/** What happened to the deliveries of one batch, recorded by {@link Store#complete}. */
public final class BatchOutcome {

    /** A failed attempt: the delivery's new attempt count, when to try again, or dead. */
    public record Failure(long deliveryId, int attempts, long nextAttemptAt, boolean dead, String error) {
    }

    private final List<Long> delivered = new ArrayList<>();
    private final List<Long> expired = new ArrayList<>();
    private final List<Failure> failed = new ArrayList<>();

    public void delivered(long deliveryId) {
        delivered.add(deliveryId);
    }

    public void expired(long deliveryId) {
        expired.add(deliveryId);
    }

    public void failed(Failure failure) {
        failed.add(failure);
    }

    public List<Long> delivered() {
        return delivered;
    }

    public List<Long> expired() {
        return expired;
    }

    public List<Failure> failed() {
        return failed;
    }

    public boolean isEmpty() {
        return delivered.isEmpty() && expired.isEmpty() && failed.isEmpty();
    }
}
