package io.slotstream.booking.command;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness (group {@code readiness}): UP once the Appointment view has read every decision that was on
 * booking.events.v1 at start, so ITI-118 answers are complete.
 */
@Component("decisions")
public class DecisionsReadiness implements HealthIndicator {

    private final DecisionListener listener;

    public DecisionsReadiness(DecisionListener listener) {
        this.listener = listener;
    }

    @Override
    public Health health() {
        return listener.caughtUp() ? Health.up().build()
                : Health.outOfService().withDetail("decisions", "replaying booking.events.v1").build();
    }
}
