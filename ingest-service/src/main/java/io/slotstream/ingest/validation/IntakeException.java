package io.slotstream.ingest.validation;

import java.util.List;

/**
 * The input cannot be accepted; carries the HTTP status and the issues for the {@code OperationOutcome}. Thrown by
 * parsing, validation and the HTTP layer; rendered by {@code http.FhirExceptionAdvice}. No stack trace is kept
 * (it never reaches a body and these are expected outcomes, not bugs).
 */
public class IntakeException extends RuntimeException {

    private final int status;
    private final transient List<Issue> issues;

    public IntakeException(int status, List<Issue> issues) {
        super(issues.isEmpty() ? "rejected" : issues.getFirst().message(), null, false, false);
        this.status = status;
        this.issues = List.copyOf(issues);
    }

    public IntakeException(int status, Issue issue) {
        this(status, List.of(issue));
    }

    /** @return 400 when any issue is structural, else 422 */
    public static IntakeException of(List<Issue> issues) {
        return new IntakeException(statusOf(issues), issues);
    }

    /** @return 400 when any issue is {@link Issue.Kind#STRUCTURE}, else 422 */
    public static int statusOf(List<Issue> issues) {
        return issues.stream().anyMatch(i -> i.kind() == Issue.Kind.STRUCTURE) ? 400 : 422;
    }

    public int status() {
        return status;
    }

    public List<Issue> issues() {
        return issues;
    }
}
