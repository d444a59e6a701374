package io.slotstream.availability.query;

/**
 * A search request FHIR's strict handling rejects (HTTP 400 with an OperationOutcome): an unknown parameter, a
 * malformed value, or a value out of range.
 */
public final class SearchException extends RuntimeException {

    private final String expression;

    /**
     * @param message    what is wrong and what is allowed
     * @param expression the offending parameter, e.g. {@code Slot?start}; goes to OperationOutcome.issue.expression
     */
    public SearchException(String message, String expression) {
        super(message);
        this.expression = expression;
    }

    public String expression() {
        return expression;
    }
}
