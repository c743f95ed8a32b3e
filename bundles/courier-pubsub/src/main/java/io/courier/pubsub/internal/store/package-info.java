/**
 * Persistence of topics, subscriptions, messages and deliveries through JPA (OpenJPA, entities enhanced at
 * build time). {@link io.courier.pubsub.internal.store.Store} is the only class that talks to the database.
 */
package io.courier.pubsub.internal.store;
