package io.courier.core;

/** A registration went away before a call could reach it: the call was not made. */
public class ServiceGoneException extends Exception {

    private static final long serialVersionUID = 1L;

    public ServiceGoneException(String name) {
        super("Service '" + name + "' was unregistered before the call reached it");
    }
}
