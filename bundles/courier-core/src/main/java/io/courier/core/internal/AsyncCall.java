package io.courier.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.courier.api.AsyncInvocation;

/** An asynchronous call in progress. */
record AsyncCall(String id, CompletableFuture<Object> future) implements AsyncInvocation {

    @Override
    public CompletionStage<Object> response() {
        return future;
    }
}
