/**
 * A private, real PostgreSQL server for Courier's tests and benchmarks: {@link
 * io.courier.testing.postgresql.PostgresServer} runs {@code initdb} in a temporary directory and starts, stops,
 * crashes and deletes that server, and only that one.
 */
package io.courier.testing.postgresql;
