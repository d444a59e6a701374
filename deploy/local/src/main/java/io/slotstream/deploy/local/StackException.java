package io.slotstream.deploy.local;

/**
 * A failure of the local stack that an operator can act on. The message is one line that names the problem
 * (a port in use, a broker that never became ready, a missing JDK or registry distribution); the launcher prints
 * it without a stack trace and exits non-zero.
 */
public class StackException extends RuntimeException {

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
