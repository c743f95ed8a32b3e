/** The seed example: {@code my.source} publishes to {@code my.target}, which logs what it receives. */
package io.courier.example.hello;
