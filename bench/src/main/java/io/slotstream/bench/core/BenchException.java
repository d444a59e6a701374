package io.slotstream.bench.core;

/** A benchmark could not run: a service is unreachable, refused a request or answered something unexpected. */
public class BenchException extends RuntimeException {

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
