package io.courier.pubsub.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run services' {@code handle} for the delivery workers, so that a worker can give up on a call
 * that takes too long. Their number is bounded: each worker makes one call at a time and none while a call it gave
 * up on still runs (a service that ignores the interrupt holds one thread, not one per attempt), and past
 * {@link #maxThreads()} a call is refused rather than given one more thread.
 */
final class HandlerThreads {

    /** Threads kept for calls abandoned by their worker and not returned yet, beyond one per delivery thread. */
    static final int ABANDONED_ALLOWANCE = 64;

    private final ThreadPoolExecutor pool;

    HandlerThreads(int deliveryThreads) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, limit(deliveryThreads), 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "courier-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static int limit(int deliveryThreads) {
        return deliveryThreads + ABANDONED_ALLOWANCE;
    }

    synchronized void resize(int deliveryThreads) {
        pool.setMaximumPoolSize(limit(deliveryThreads));
    }

    int maxThreads() {
        return pool.getMaximumPoolSize();
    }

    /** Handler threads running a call now. */
    int busy() {
        return pool.getActiveCount();
    }

    /**
     * Starts a call on a handler thread.
     *
     * @param returned run on the handler thread when the call returns or throws, also after it was abandoned
     * @throws RejectedExecutionException if every handler thread is taken, or the threads were shut down
     */
    Call start(Callable<Object> call, Runnable returned) {
        Call c = new Call(call, returned);
        pool.execute(c::run);
        return c;
    }

    /** No new calls; those running go on until they return. */
    void shutdown() {
        pool.shutdown();
    }

    /** One call of a service on a handler thread. */
    static final class Call {
        private final Callable<Object> call;
        private final Runnable returned;
        private final CompletableFuture<Object> result = new CompletableFuture<>();
        /** The thread running the call, while it runs; guarded by this. */
        private Thread runner;
        /** Given up on by its caller; guarded by this. */
        private boolean abandoned;

        private Call(Callable<Object> call, Runnable returned) {
            this.call = call;
            this.returned = returned;
        }

        private void run() {
            try {
                synchronized (this) {
                    if (abandoned) { // given up on before a thread took it: the service is not called at all
                        result.completeExceptionally(new CancellationException());
                        return;
                    }
                    runner = Thread.currentThread();
                }
                result.complete(call.call());
            } catch (Throwable e) { // an Error too: it is the service's failure, the caller hears of it
                result.completeExceptionally(e);
            } finally {
                synchronized (this) {
                    runner = null;
                    Thread.interrupted(); // an interrupt meant for this call must not reach the thread's next one
                }
                returned.run();
            }
        }

        /** Gives up on the call: interrupts it if it runs, and keeps it from starting if it has not yet. */
        private synchronized void abandon() {
            abandoned = true;
            if (runner != null) {
                runner.interrupt();
            }
        }

        /**
         * Waits for the call's result at most {@code timeoutMs}. Past it, the call is abandoned: its thread is
         * interrupted, and {@link #returned()} says when it has actually stopped.
         *
         * @throws DeliveryTimeoutException if the service has not returned in time
         * @throws InterruptedException     if the waiting thread was interrupted: the call is abandoned too
         * @throws Exception                what the service threw
         */
        Object await(long timeoutMs) throws Exception {
            try {
                return result.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                abandon();
                throw new DeliveryTimeoutException(timeoutMs);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw (Error) cause;
            } catch (InterruptedException e) {
                abandon();
                throw e;
            }
        }

        /** Whether the service's {@code handle} has returned (or thrown). */
        boolean returned() {
            return result.isDone();
        }
    }
}
