package io.courier.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.Courier;
import io.courier.api.CourierException;
import io.courier.api.InvocationDepthException;
import io.courier.api.InvocationException;
import io.courier.api.InvocationResult;
import io.courier.api.InvocationTimeoutException;
import io.courier.api.InvokeOptions;
import io.courier.api.PubSubMessage;
import io.courier.api.PublishOptions;
import io.courier.api.RejectedInvocationException;
import io.courier.api.Service;
import io.courier.api.ServiceNotFoundException;
import io.courier.core.Ids;
import io.courier.core.PublishChannel;

/**
 * How calls reach services: synchronously on the caller's thread, with a timeout on a pool thread,
 * asynchronously on the bounded pool with callbacks, and pub/sub deliveries. Every invocation goes through
 * {@link #call}, which enforces the depth limit and maps checked exceptions, every delivery through
 * {@link #deliver}; both set the {@link LogContext} around the service's {@code handle}.
 */
final class Invocations {

    private static final Logger LOG = LoggerFactory.getLogger(Invocations.class);

    /** Threads for invocations with a timeout; past this many at once, such calls are refused. */
    static final int MAX_TIMED_THREADS = 64;

    /** The service object used now for a name, or null. */
    private final Function<String, Service> services;
    private final Supplier<PublishChannel> publishChannel;
    private final AsyncPool asyncPool;
    private final ThreadPoolExecutor timedPool;
    private final ScheduledExecutorService timer;
    private final AsyncFailureLog asyncFailures = new AsyncFailureLog();

    Invocations(Function<String, Service> services, Supplier<PublishChannel> publishChannel, AsyncPool asyncPool,
            ScheduledExecutorService timer) {
        this.services = services;
        this.publishChannel = publishChannel;
        this.asyncPool = asyncPool;
        this.timer = timer;
        this.timedPool = new ThreadPoolExecutor(0, MAX_TIMED_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                AsyncPool.daemonThreads("courier-invoke-timed"));
    }

    void stop() {
        timedPool.shutdownNow();
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    // ---- synchronous -----------------------------------------------------------------------------------

    Object invoke(Caller caller, String name, Object payload, InvokeOptions options) {
        String correlationId = options.correlationId().orElseGet(() -> correlationOf(caller));
        if (options.timeout().isEmpty()) {
            return call(caller, correlationId, name, payload, null);
        }
        return invokeWithTimeout(caller, correlationId, name, payload, options.timeout().get());
    }

    private Object invokeWithTimeout(Caller caller, String correlationId, String name, Object payload,
            Duration timeout) {
        serviceFor(name);
        Future<Object> running;
        try {
            running = timedPool.submit(() -> call(caller, correlationId, name, payload, null));
        } catch (RejectedExecutionException e) {
            throw new RejectedInvocationException(MAX_TIMED_THREADS + " invocations with a timeout are running:"
                    + " '" + name + "' was not invoked; try again later");
        }
        try {
            return running.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new InvocationTimeoutException(name, timeout);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new CourierException("Interrupted while waiting for service '" + name + "'");
        }
    }

    /**
     * Calls a service on the current thread: the one place where a service's {@code handle} is called for an
     * invocation. Unchecked exceptions pass unchanged; checked ones are wrapped in {@link InvocationException}.
     */
    Object call(Caller caller, String correlationId, String name, Object payload, String inReplyTo) {
        if (caller.depth() >= Courier.MAX_DEPTH) {
            throw new InvocationDepthException("Invocation depth limit of " + Courier.MAX_DEPTH + " reached when '"
                    + caller.name() + "' invoked '" + name + "': most likely services invoking each other without end");
        }
        Service service = serviceFor(name);
        try (LogContext log = LogContext.enter(name, caller.msgId(), correlationId, caller.invocationId())) {
            return service.handle(new CourierRequest(payload, correlationId, caller.name(), inReplyTo, null),
                    new CourierCalls(this, caller.callee(name, correlationId)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new InvocationException(name, e);
        }
    }

    /**
     * Calls a service with a pub/sub message, on the delivering thread; whatever it throws comes back unchanged.
     * What the service calls meanwhile carries the message's id in its logging context.
     */
    Object deliver(Service service, String name, PubSubMessage message) throws Exception {
        String publisher = message.publisher().orElse(null);
        Caller self = new Caller(name, message.correlationId(), 1, message.msgId(), null);
        try (LogContext log = LogContext.enter(name, message.msgId(), message.correlationId(), null)) {
            return service.handle(new CourierRequest(message.data(), message.correlationId(), publisher,
                    message.inReplyTo().orElse(null), message), new CourierCalls(this, self));
        }
    }

    // ---- asynchronous ----------------------------------------------------------------------------------

    AsyncInvocation invokeAsync(Caller caller, String name, Object payload, AsyncOptions options) {
        serviceFor(name);
        String id = Ids.random();
        String correlationId = options.correlationId().orElseGet(() -> correlationOf(caller));
        CompletableFuture<Object> response = new CompletableFuture<>();
        response.whenComplete((r, e) -> callback(caller, correlationId, id, options,
                e == null ? InvocationResult.ok(id, name, r) : InvocationResult.failed(id, name, e)));
        AsyncCall call = new AsyncCall(id, response); // before the pool may complete it (see AsyncCall)
        run(name, () -> call(caller.forInvocation(id), correlationId, name, payload, null), response);
        return call;
    }

    /**
     * Runs a call on the asynchronous pool and completes {@code response} there: attach callbacks to it
     * before, and they run on a pool thread.
     *
     * @throws RejectedInvocationException if the pool's queue is full
     */
    void run(String name, Supplier<Object> call, CompletableFuture<Object> response) {
        asyncPool.run(name, call, response);
    }

    /**
     * Runs a task on the asynchronous pool, or here if its queue is full: for the work of timers, which must
     * not wait on callbacks.
     */
    void runSoon(String what, Runnable task) {
        try {
            asyncPool.execute(what, task);
        } catch (RejectedInvocationException full) {
            task.run();
        }
    }

    /**
     * Hands a result to the callbacks of an asynchronous call; a failing callback is logged. Without callbacks,
     * nobody would hear of a failure: it is logged instead, in the invocation's logging context.
     */
    void callback(Caller caller, String correlationId, String id, AsyncOptions options, InvocationResult result) {
        if (options.callback().isEmpty() && options.callbackService().isEmpty()) {
            if (!result.succeeded()) {
                try (LogContext log = LogContext.enter(result.service(), caller.msgId(), correlationId, id)) {
                    asyncFailures.failed(result.service(), id, result.error());
                }
            }
            return;
        }
        options.callback().ifPresent(cb -> safely(id, "Java callback", () -> cb.accept(result)));
        options.callbackService().ifPresent(svc -> callService(caller, correlationId, id, svc, result));
    }

    /** Invokes a callback service with a result as its payload and the id as in-reply-to; logs a failure. */
    void callService(Caller caller, String correlationId, String id, String service, Object result) {
        safely(id, "callback service '" + service + "'",
                () -> call(caller.forInvocation(id), correlationId, service, result, id));
    }

    static void safely(String id, String what, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            LOG.warn("The {} of asynchronous invocation {} failed: {}", what, id, e.toString());
            LOG.debug("Callback failure", e);
        }
    }

    // ---- pub/sub ---------------------------------------------------------------------------------------

    String publish(Caller caller, String name, Object data, PublishOptions options) {
        return channel().publish(caller.name(), name, data, withCorrelation(caller, options));
    }

    List<String> publishAll(Caller caller, String name, List<?> data, PublishOptions options) {
        return channel().publishAll(caller.name(), name, data, withCorrelation(caller, options));
    }

    private PublishChannel channel() {
        PublishChannel channel = publishChannel.get();
        if (channel == null) {
            throw new CourierException("Courier pub/sub is not running: install the 'courier' feature");
        }
        return channel;
    }

    private static PublishOptions withCorrelation(Caller caller, PublishOptions options) {
        return options.correlationId().isPresent() || caller.correlationId() == null
                ? options : options.toBuilder().correlationId(caller.correlationId()).build();
    }

    // ----------------------------------------------------------------------------------------------------

    Service serviceFor(String name) {
        if (name == null) {
            throw new IllegalArgumentException("the name of the service to invoke must not be null");
        }
        Service service = services.apply(name);
        if (service == null) {
            throw new ServiceNotFoundException(name);
        }
        return service;
    }

    static String correlationOf(Caller caller) {
        return caller.correlationId() != null ? caller.correlationId() : Ids.random();
    }

    static RuntimeException rethrowable(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new CourierException(t.toString(), t);
    }
}
