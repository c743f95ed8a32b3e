package io.courier.web.internal;

import java.io.Serializable;

/** Who is logged in, and whether they may use the dashboard and the API. */
record User(String name, boolean admin) implements Serializable {
}
