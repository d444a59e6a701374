package io.slotstream.provisioning;

/** Provisioning could not talk to the broker or the registry, or either refused a request; the message is one line. */
public final class ProvisioningException extends RuntimeException {

    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
