/**
 * A small banking scenario showing each way to call services. {@code bank.api} fans out to
 * {@code bank.account}, {@code bank.customer} and {@code bank.fraud} at once, waits at most 2 s for them, and
 * hands an audit record to {@code bank.audit} asynchronously (RAM). {@code bank.transfer} invokes
 * {@code bank.fraud} synchronously with a timeout, books on {@code bank.ledger} with invoke-retry, and publishes
 * a durable event to {@code /bank/transfers}, which {@code bank.audit} subscribes to.
 */
package io.courier.example.banking;
