package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Schedule and period of an Appointment's slots, as a modify sends them to the EHR. */
class SlotSpanTest {

    static Slot slot(String id, String schedule, String start, String end) {
        Slot s = new Slot().setSchedule(new Reference("Schedule/" + schedule))
                .setStart(Date.from(Instant.parse(start))).setEnd(Date.from(Instant.parse(end)));
        s.setId(id);
        return s;
    }

    @Test
    void theSpanRunsFromTheEarliestStartToTheLatestEndInAnyOrder() {
        SlotSpan span = SlotSpan.of(List.of(
                slot("acme.s2", "acme.sched", "2026-12-07T09:15:00Z", "2026-12-07T09:30:00Z"),
                slot("acme.s1", "acme.sched", "2026-12-07T09:00:00Z", "2026-12-07T09:15:00Z")));

        assertThat(span).isEqualTo(new SlotSpan("acme.sched", Instant.parse("2026-12-07T09:00:00Z"),
                Instant.parse("2026-12-07T09:30:00Z")));
    }

    @Test
    void slotsOfTwoSchedulesAreRefusedNamingTheSlot() {
        assertThatThrownBy(() -> SlotSpan.of(List.of(
                slot("acme.s1", "acme.sched", "2026-12-07T09:00:00Z", "2026-12-07T09:15:00Z"),
                slot("acme.s9", "acme.other", "2026-12-07T09:15:00Z", "2026-12-07T09:30:00Z"))))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("Slot/acme.s9 is on Schedule/acme.other, not Schedule/acme.sched");
    }
}
