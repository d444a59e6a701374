package io.slotstream.ingest.store;

/** The accepted-resource store cannot answer now (starting, restoring, or failed); the request gets 503. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }
}
