package io.slotstream.availability.startup;

import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Refuses to start when the broker, the topic catalogue or the schema registry is not there, so a misconfigured
 * deployment fails at once with one line naming what is missing (see {@link StackUnavailableFailureAnalyzer}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class StackPreflightRunner implements ApplicationRunner {

    private final StackPreflight preflight;

    StackPreflightRunner(@Value("${slotstream.kafka.bootstrap-servers}") String bootstrapServers,
                         @Value("${slotstream.registry.url}") String registryUrl,
                         @Value("${slotstream.startup.stack-timeout:30s}") Duration timeout) {
        this.preflight = new StackPreflight(bootstrapServers, registryUrl, timeout);
    }

    @Override
    public void run(ApplicationArguments args) {
        preflight.verify();
    }
}
