package io.slotstream.ingest.kafka;

/** The Kafka transaction did not commit; nothing of it is visible to read_committed consumers. The request gets 503. */
public class WriteFailedException extends RuntimeException {

    public WriteFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
