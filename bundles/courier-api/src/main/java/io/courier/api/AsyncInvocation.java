package io.courier.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** An asynchronous call in progress. */
@ProviderType
public interface AsyncInvocation {

    /** The invocation's id, unique within this server's lifetime. */
    String id();

    /**
     * The target's response; completes exceptionally with what the target threw (checked exceptions
     * wrapped in {@link InvocationException}).
     */
    CompletionStage<Object> response();
}
