/** Karaf shell commands of scope {@code courier}. */
package io.courier.shell;
