package io.slotstream.edge.stack;

import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a failed {@link StackPreflight} (the start-up check every service makes) into Spring Boot's short failure
 * report instead of a stack trace. Registered in {@code META-INF/spring.factories}.
 */
class StackUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<StackPreflight.StackUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StackPreflight.StackUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check slotstream.kafka.bootstrap-servers, slotstream.kafka.config (the Kafka client properties file of a "
                        + "secured cluster), slotstream.registry.url, slotstream.registry.username/password "
                        + "and slotstream.registry.ca (env SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS, SLOTSTREAM_KAFKA_CONFIG, "
                        + "SLOTSTREAM_REGISTRY_URL, SLOTSTREAM_REGISTRY_USERNAME, SLOTSTREAM_REGISTRY_PASSWORD, SLOTSTREAM_REGISTRY_CA).",
                cause);
    }
}
