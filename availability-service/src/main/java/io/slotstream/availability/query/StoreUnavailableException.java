package io.slotstream.availability.query;

/** The view cannot answer right now (streams starting, rebalancing, a peer unreachable): HTTP 503, retry later. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
