package io.courier.core.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.courier.api.AsyncInvocation;
import io.courier.api.Courier;
import io.courier.api.Service;

/**
 * The invocation machinery without OSGi: services in a map, a real {@link AsyncPool}, a real timer, and the
 * {@link Courier} API as code outside services sees it. Close it after each test.
 */
final class Harness implements AutoCloseable {

    /** How long a test waits for something that should happen promptly before it fails. */
    static final long WAIT_SECONDS = 5;

    /** How long a blocked test service waits on its gate before giving up on its own. */
    static final long BLOCK_SECONDS = 10;

    final Map<String, Service> services = new ConcurrentHashMap<>();
    final int threads;
    final AsyncPool pool;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final Invocations invocations;
    final Courier courier;
    private final List<CountDownLatch> gates = new CopyOnWriteArrayList<>();

    Harness(int threads, int capacity) {
        this.threads = threads;
        this.pool = new AsyncPool(threads, capacity);
        this.invocations = new Invocations(services::get, () -> null, pool, timer);
        this.courier = new CourierCalls(invocations, Caller.OUTSIDE);
    }

    Harness() {
        this(4, 100);
    }

    Harness register(String name, Service service) {
        services.put(name, service);
        return this;
    }

    /** A closed gate for a service to block on; every gate is opened when the harness closes. */
    CountDownLatch gate() {
        CountDownLatch gate = new CountDownLatch(1);
        gates.add(gate);
        return gate;
    }

    /** Blocks a test service until the gate opens (or {@link #BLOCK_SECONDS} pass). */
    static void block(CountDownLatch gate) throws InterruptedException {
        if (!gate.await(BLOCK_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test gate never opened");
        }
    }

    /** Waits for a latch, failing the test if it does not reach zero promptly. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out waiting for: " + what);
    }

    /** The value of a stage, failing the test if it does not complete promptly. */
    static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    /**
     * Returns once every pool thread has finished what it was running, including the completion handling done on
     * that thread: occupies all pool threads at once with barrier calls, which can only happen once they are free.
     */
    void drainPool() throws Exception {
        CountDownLatch arrived = new CountDownLatch(threads);
        String name = "drain-barrier";
        services.put(name, (request, ctx) -> {
            arrived.countDown();
            if (!arrived.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the async pool did not drain");
            }
            return null;
        });
        List<AsyncInvocation> calls = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            calls.add(courier.invokeAsync(name, null));
        }
        for (AsyncInvocation call : calls) {
            get(call.response());
        }
        services.remove(name);
    }

    @Override
    public void close() {
        gates.forEach(CountDownLatch::countDown);
        invocations.stop();
        timer.shutdownNow();
        pool.stop();
    }
}
