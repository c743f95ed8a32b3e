/**
 * The web dashboard and the REST API: one whiteboard servlet under {@code /courier}, its JAAS login, its pages
 * and its JSON calls. Private to the bundle.
 */
package io.courier.web.internal;
