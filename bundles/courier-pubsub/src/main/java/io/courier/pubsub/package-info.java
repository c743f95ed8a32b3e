/**
 * What the pub/sub bundle shows to Courier's management tools (shell, web): topics, subscriptions and
 * queued messages, read from the store.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.8.0")
package io.courier.pubsub;
