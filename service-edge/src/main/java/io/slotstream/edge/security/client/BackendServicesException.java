package io.slotstream.edge.security.client;

/** The authorization server refused a token, could not be reached, or the client assertion could not be signed. */
public class BackendServicesException extends RuntimeException {

    public BackendServicesException(String message) {
        super(message);
    }

    public BackendServicesException(String message, Throwable cause) {
        super(message, cause);
    }
}
