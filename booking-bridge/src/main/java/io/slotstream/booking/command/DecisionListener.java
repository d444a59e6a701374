package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.kafka.TopicReplay;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topics;
import org.springframework.stereotype.Component;

/**
 * Reads every partition of booking.events.v1 from the beginning (no consumer group: each instance sees every
 * decision, read_committed because the decision point writes with exactly-once) and feeds the {@link AppointmentView}
 * (ITI-118, complete after a restart because the topic is replayed) and the {@link Outcomes} waiters. A record that
 * cannot be decoded is logged and skipped ({@link TopicReplay}); {@link #caughtUp()} tells when the replay is done.
 */
@Component
public class DecisionListener extends TopicReplay<BookingEvent> {

    private final AppointmentView view;
    private final Outcomes outcomes;

    public DecisionListener(KafkaClientSettings kafka, RegistrySettings registry, AppointmentView view, Outcomes outcomes) {
        super(Topics.BOOKING_EVENTS, kafka, registry, true, "booking-bridge-decisions");
        this.view = view;
        this.outcomes = outcomes;
    }

    @Override
    protected void onValue(BookingEvent event) {
        view.apply(event);
        outcomes.accept(event);
    }
}
