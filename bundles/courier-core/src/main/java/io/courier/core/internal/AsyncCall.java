package io.courier.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.courier.api.AsyncInvocation;

/**
 * An asynchronous call in progress, as its caller sees it. The response is a read-only view of the future that
 * Courier completes ({@link CompletableFuture#minimalCompletionStage()}): a caller cannot complete, cancel or
 * overwrite the outcome that the callbacks get; {@code toCompletableFuture()} gives it a copy of its own.
 * <p>
 * Make it before the future can complete: a view made of a future that completes at that moment runs the
 * future's pending completions on the thread making it (CompletableFuture helps complete what depends on a
 * source it finds done), so a callback meant for a pool thread ran on the caller's, about once in 2,000 calls.
 */
final class AsyncCall implements AsyncInvocation {

    private final String id;
    private final CompletionStage<Object> response;

    AsyncCall(String id, CompletableFuture<Object> future) {
        this.id = id;
        this.response = future.minimalCompletionStage();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<Object> response() {
        return response;
    }
}
