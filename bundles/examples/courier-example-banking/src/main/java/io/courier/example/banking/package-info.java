/**
 * A small banking scenario showing the RAM ways to call services: {@code bank.api} fans out to
 * {@code bank.account}, {@code bank.customer} and {@code bank.fraud} at once, waits at most 2 s for them, and
 * hands an audit record to {@code bank.audit} asynchronously.
 */
package io.courier.example.banking;
