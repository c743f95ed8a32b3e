/**
 * Courier's MBeans, registered as OSGi services with a {@code jmx.objectname} property: Karaf's
 * {@code management} feature (Aries JMX whiteboard) puts them in its MBean server, under the domain
 * {@code io.courier}. Reading needs Karaf's viewer role, operations its admin role ({@code etc/jmx.acl.cfg}).
 */
package io.courier.pubsub.internal.jmx;
