package io.courier.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Integration patterns over invocations, all in RAM: lost if the server stops while they run. */
@ProviderType
public interface Patterns {

    /**
     * Fan-out/fan-in: invokes every target at once, each with its own payload, and completes when all have
     * answered or failed, or at the timeout, whichever comes first; targets that had not answered by then are
     * marked timed out and their late answers are ignored.
     *
     * A target that the queue of asynchronous calls cannot take gets a failed result with a
     * {@link RejectedInvocationException}; the others run. Callbacks run on Courier's threads. Waiting for the
     * completion from inside an asynchronous call ties up one of the pool's threads meanwhile; the timeout
     * bounds that wait.
     *
     * @param targets service name to payload
     * @throws ServiceNotFoundException if a target is not registered now (nothing is invoked then)
     */
    FanOut fanOut(Map<String, ?> targets, FanOutOptions options);

    /**
     * Parallel: invokes every target at once, each with its own payload; the per-target callbacks of the
     * options receive each result. There is no final step: the options' completion callbacks must be unset.
     *
     * @return the id shared by the results' callbacks
     * @see #fanOut(Map, FanOutOptions)
     */
    String parallel(Map<String, ?> targets, FanOutOptions options);

    /**
     * Invokes a service until it succeeds or the attempts run out, waiting between attempts on the caller's
     * thread.
     *
     * @return the first successful response
     * @throws RuntimeException the last attempt's error, as {@link Courier#invoke} throws it, or the first
     *                          error that is not to be retried
     */
    Object invokeRetry(String name, Object payload, RetryOptions options);

    /**
     * Invokes a service until it succeeds or the attempts run out, in the background: returns at once; the
     * result (the first success or the last error) goes to the callbacks of {@code callbacks} and completes
     * the returned invocation.
     */
    AsyncInvocation invokeRetryAsync(String name, Object payload, RetryOptions options, AsyncOptions callbacks);
}
