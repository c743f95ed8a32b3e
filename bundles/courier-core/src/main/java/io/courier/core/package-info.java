/**
 * Courier's service registry, for the other Courier bundles (pub/sub, shell): find services by name, be told
 * when they come and go, invoke them. Not for service authors, who use {@code io.courier.api}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.3.0")
package io.courier.core;
