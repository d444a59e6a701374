package io.slotstream.publish.startup;

import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a failed {@link StackPreflight} (the start-up check in the application class) into Spring Boot's short failure report instead of a stack trace. */
class StackUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<StackPreflight.StackUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StackPreflight.StackUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check slotstream.kafka.bootstrap-servers and slotstream.registry.url (env SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS, SLOTSTREAM_REGISTRY_URL).",
                cause);
    }
}
