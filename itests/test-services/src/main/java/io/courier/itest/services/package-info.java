/**
 * Test services for process-level tests: {@code itest.publisher} publishes messages and records each id
 * once {@code publish} has returned; {@code itest.recorder} records each message it receives. Both records
 * are files under {@code ${karaf.data}/itest}, forced to disk per line, so they survive {@code kill -9}.
 * {@code itest.swap} and {@code itest.swap.once} fail below version 2 of this bundle and work from version 2 on,
 * for the hot-swap tests. {@code itest.fails.once} fails each message's first delivery (one attempt: a dead
 * letter) and handles it when retried, for the dashboard test. {@code itest.flood} publishes flat out and
 * {@code itest.sink} only counts what it takes, both in memory, for the benchmarks' cluster scenario.
 */
package io.courier.itest.services;
