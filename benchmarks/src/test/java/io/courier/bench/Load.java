package io.courier.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Drives an operation from several threads, flat out or at a fixed rate, for a given time. */
final class Load {

    interface Op {
        /** One operation, by thread {@code thread}. */
        void run(int thread) throws Exception;
    }

    private Load() {
    }

    /**
     * Runs {@code op} from {@code threads} threads as fast as it goes for {@code ms}; returns operations per
     * second. Each operation's duration goes to {@code latencies} if not null.
     */
    static double flatOut(int threads, long ms, Latencies latencies, Op op) {
        return run(threads, ms, 0, latencies, op);
    }

    /** Runs {@code op} at {@code perSecond} in all, spread over {@code threads} threads; returns the rate reached. */
    static double paced(int threads, double perSecond, long ms, Latencies latencies, Op op) {
        return run(threads, ms, (long) (threads * 1e9 / perSecond), latencies, op);
    }

    private static double run(int threads, long ms, long intervalNanos, Latencies latencies, Op op) {
        AtomicLong done = new AtomicLong();
        List<Thread> list = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        long start = System.nanoTime();
        long end = start + ms * 1_000_000;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                long next = start + (intervalNanos == 0 ? 0 : intervalNanos * thread / threads);
                try {
                    while (true) {
                        if (intervalNanos > 0) {
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            next += intervalNanos;
                        }
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            return;
                        }
                        op.run(thread);
                        if (latencies != null) {
                            latencies.add(System.nanoTime() - t0);
                        }
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    failure[0] = new IllegalStateException("load thread " + thread + " failed", e);
                }
            }, "bench-load-" + t);
            list.add(th);
            th.start();
        }
        for (Thread th : list) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }
}
