/** The registry's implementation: whiteboard tracking, requests, contexts and the asynchronous pool. */
package io.courier.core.internal;
