/**
 * The pub/sub engine: publish validation and group commit, routing, and the delivery workers.
 */
package io.courier.pubsub.internal;
