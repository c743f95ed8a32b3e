package io.courier.web.internal;

import java.io.Serializable;

/**
 * Who is logged in, and what they may do: with the configured role, look and act ({@code admin}); with only the
 * viewer role, look.
 */
record User(String name, boolean admin, boolean viewer) implements Serializable {

    /** Whether they may see the pages and GET from the API. */
    boolean mayLook() {
        return admin || viewer;
    }
}
