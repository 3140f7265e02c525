package io.omniforge.store;

/** The store could not do what was asked (overloaded, closed, or the database failed). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
