package io.courier.core.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.CourierException;
import io.courier.api.FanInResult;
import io.courier.api.FanOut;
import io.courier.api.FanOutOptions;
import io.courier.api.InvocationResult;
import io.courier.api.InvokeOptions;
import io.courier.api.Patterns;
import io.courier.api.RejectedInvocationException;
import io.courier.api.RetryOptions;
import io.courier.core.Ids;

/** The patterns, made of asynchronous calls on the shared pool and the shared timer: nothing of their own. */
final class PatternSupport implements Patterns {

    private static final Logger LOG = LoggerFactory.getLogger(PatternSupport.class);

    private final Invocations invocations;
    private final Caller caller;

    PatternSupport(Invocations invocations, Caller caller) {
        this.invocations = invocations;
        this.caller = caller;
    }

    // ---- fan-out / parallel ----------------------------------------------------------------------------

    @Override
    public FanOut fanOut(Map<String, ?> targets, FanOutOptions options) {
        String id = Ids.random();
        // a read-only view, as for asynchronous calls: the caller cannot complete the fan-out in its place
        return new FanOut(id, start(id, targets, options).minimalCompletionStage());
    }

    @Override
    public String parallel(Map<String, ?> targets, FanOutOptions options) {
        if (options.onComplete().isPresent() || options.onCompleteService().isPresent()) {
            throw new IllegalArgumentException("parallel has no final step: use fanOut for a completion callback");
        }
        String id = Ids.random();
        start(id, targets, options);
        return id;
    }

    private CompletableFuture<FanInResult> start(String id, Map<String, ?> targets, FanOutOptions options) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a fan-out needs at least one target");
        }
        targets.keySet().forEach(invocations::serviceFor); // all known, or nothing is invoked
        String correlationId = Invocations.correlationOf(caller);
        FanIn fanIn = new FanIn(id, List.copyOf(targets.keySet()), correlationId, options);
        // the timer only hands the finish over: callbacks never run on, nor hold up, the shared timer thread
        options.timeout().ifPresent(t -> fanIn.timeout = invocations.timer().schedule(
                () -> invocations.runSoon("fan-out " + id, fanIn::finish), t.toMillis(), TimeUnit.MILLISECONDS));
        targets.forEach((name, payload) -> {
            CompletableFuture<Object> response = new CompletableFuture<>();
            response.whenComplete((r, error) -> fanIn.result(error == null
                    ? InvocationResult.ok(id, name, r) : InvocationResult.failed(id, name, error)));
            try {
                invocations.run(name,
                        () -> invocations.call(caller.forInvocation(id), correlationId, name, payload, null), response);
            } catch (RejectedInvocationException e) {
                fanIn.result(InvocationResult.failed(id, name, e));
            }
        });
        return fanIn.done;
    }

    /** The state of one fan-out until it finishes; late results after a timeout are dropped. */
    private final class FanIn {
        final String id;
        final List<String> targets;
        final String correlationId;
        final FanOutOptions options;
        /** Claimed once per target, by its answer or at the timeout. */
        final Map<String, InvocationResult> results = new ConcurrentHashMap<>();
        final AtomicInteger missing;
        final AtomicBoolean finished = new AtomicBoolean();
        final CompletableFuture<FanInResult> done = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;

        FanIn(String id, List<String> targets, String correlationId, FanOutOptions options) {
            this.id = id;
            this.targets = targets;
            this.correlationId = correlationId;
            this.options = options;
            this.missing = new AtomicInteger(targets.size());
        }

        /** Each target's result is claimed once, by its answer or by the timeout, whichever comes first. */
        void result(InvocationResult result) {
            if (results.putIfAbsent(result.service(), result) != null) {
                LOG.debug("Fan-out {}: result of '{}' came after the fan-out timed out", id, result.service());
                return;
            }
            onTarget(result);
            if (missing.decrementAndGet() == 0) {
                finish();
            }
        }

        void finish() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            Map<String, InvocationResult> all = new LinkedHashMap<>();
            for (String target : targets) {
                InvocationResult timedOut = InvocationResult.timedOut(id, target);
                InvocationResult r = results.putIfAbsent(target, timedOut);
                if (r == null) {
                    r = timedOut;
                    onTarget(r);
                }
                all.put(target, r);
            }
            FanInResult fanIn = new FanInResult(id, all);
            options.onComplete().ifPresent(cb -> Invocations.safely(id, "completion callback", () -> cb.accept(fanIn)));
            options.onCompleteService().ifPresent(svc -> invocations.callService(caller, correlationId, id, svc, fanIn));
            done.complete(fanIn);
        }

        private void onTarget(InvocationResult r) {
            options.onTarget().ifPresent(cb -> Invocations.safely(id, "per-target callback", () -> cb.accept(r)));
            options.onTargetService().ifPresent(svc -> invocations.callService(caller, correlationId, id, svc, r));
        }
    }

    // ---- invoke with retry -----------------------------------------------------------------------------

    @Override
    public Object invokeRetry(String name, Object payload, RetryOptions options) {
        String correlationId = Invocations.correlationOf(caller);
        InvokeOptions invoke = InvokeOptions.builder().correlationId(correlationId).build();
        for (int attempt = 1;; attempt++) {
            try {
                return invocations.invoke(caller, name, payload, invoke);
            } catch (RuntimeException e) {
                if (attempt >= options.attempts() || !options.retries(e)) {
                    throw e;
                }
                LOG.debug("Attempt {} of {} to invoke '{}' failed, retrying: {}", attempt, options.attempts(), name,
                        e.toString());
                try {
                    Thread.sleep(options.waitAfter(attempt).toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CourierException("Interrupted between attempts to invoke '" + name + "'", e);
                }
            }
        }
    }

    @Override
    public AsyncInvocation invokeRetryAsync(String name, Object payload, RetryOptions options, AsyncOptions callbacks) {
        invocations.serviceFor(name);
        String id = Ids.random();
        String correlationId = callbacks.correlationId().orElseGet(() -> Invocations.correlationOf(caller));
        CompletableFuture<Object> response = new CompletableFuture<>();
        response.whenComplete((r, e) -> invocations.callback(caller, correlationId, id, callbacks,
                e == null ? InvocationResult.ok(id, name, r) : InvocationResult.failed(id, name, e)));
        AsyncCall call = new AsyncCall(id, response); // before an attempt may complete it (see AsyncCall)
        attempt(id, name, payload, correlationId, options, 1, response);
        return call;
    }

    /** One background attempt; on a retryable failure the next one is scheduled, no thread waits meanwhile. */
    private void attempt(String id, String name, Object payload, String correlationId, RetryOptions options,
            int attempt, CompletableFuture<Object> response) {
        CompletableFuture<Object> call = new CompletableFuture<>();
        call.whenComplete((r, e) -> {
            if (e == null) {
                response.complete(r);
            } else if (attempt >= options.attempts() || !options.retries(e)) {
                response.completeExceptionally(e);
            } else {
                LOG.debug("Attempt {} of {} to invoke '{}' failed, retrying: {}", attempt, options.attempts(), name,
                        e.toString());
                invocations.timer().schedule(
                        () -> attempt(id, name, payload, correlationId, options, attempt + 1, response),
                        options.waitAfter(attempt).toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        try {
            invocations.run(name,
                    () -> invocations.call(caller.forInvocation(id), correlationId, name, payload, null), call);
        } catch (RejectedInvocationException e) {
            response.completeExceptionally(e);
        }
    }
}
