/**
 * Error answers of every Slotstream HTTP API: {@link io.slotstream.edge.outcome.OperationOutcomes}, the one
 * OperationOutcome builder, and the auto-configured handlers that turn every error (unknown path, wrong method or
 * media type, unreadable body, oversized request, container error) into a FHIR {@code OperationOutcome} with the
 * right 4xx, never HTML and never a stack trace.
 */
package io.slotstream.edge.outcome;
