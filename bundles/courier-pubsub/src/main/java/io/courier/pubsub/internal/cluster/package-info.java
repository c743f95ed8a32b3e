/**
 * Nodes sharing one database: each node's name and its heartbeat in the store.
 */
package io.courier.pubsub.internal.cluster;
