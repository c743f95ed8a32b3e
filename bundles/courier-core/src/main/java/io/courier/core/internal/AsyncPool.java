package io.courier.core.internal;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.courier.api.RejectedInvocationException;

/** The bounded pool that runs asynchronous invocations, in RAM only. */
final class AsyncPool {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncPool.class);

    static final int THREADS = 4;
    static final int QUEUE_CAPACITY = 10_000;
    private static final long DRAIN_SECONDS = 5;

    private final int capacity;
    private final ThreadPoolExecutor executor;

    AsyncPool(int threads, int capacity) {
        this.capacity = capacity;
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(capacity), daemonThreads("courier-async"));
    }

    /**
     * Names threads prefix-1, prefix-2...; daemons, so that a stuck call never holds the JVM. Each starts with an
     * empty logging context: pax-logging's MDC is inherited by new threads, and a pool thread is often created by a
     * service handling a request, whose context would otherwise stay on the thread's own log lines.
     */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                MDC.clear();
                r.run();
            }, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs a call on the pool and completes {@code response} with its outcome there. Whatever the caller has
     * attached to {@code response} beforehand therefore runs on the pool thread, never on the caller's.
     *
     * @throws RejectedInvocationException if the queue is full; {@code response} is left alone then
     */
    void run(String name, Supplier<Object> call, CompletableFuture<Object> response) {
        execute(name, () -> {
            try {
                response.complete(call.get());
            } catch (Throwable t) {
                // reported by what waits on the response: the callbacks, or else AsyncFailureLog
                response.completeExceptionally(t);
            }
        });
    }

    /**
     * Runs a task on the pool.
     *
     * @throws RejectedInvocationException if the queue is full
     */
    void execute(String name, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            throw new RejectedInvocationException("The queue of asynchronous invocations is full (" + capacity
                    + " waiting): '" + name + "' was not invoked; try again later or use pub/sub");
        }
    }

    /** Lets queued invocations finish for a few seconds, then drops the rest and says how many. */
    void stop() {
        ThreadPoolExecutor e = executor;
        e.shutdown();
        try {
            if (!e.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                List<Runnable> dropped = e.shutdownNow();
                LOG.warn("Stopping: {} queued asynchronous invocations were dropped (they live in RAM only)",
                        dropped.size());
            }
        } catch (InterruptedException ie) {
            List<Runnable> dropped = e.shutdownNow();
            LOG.warn("Stopping: {} queued asynchronous invocations were dropped (they live in RAM only)",
                    dropped.size());
            Thread.currentThread().interrupt();
        }
    }
}
