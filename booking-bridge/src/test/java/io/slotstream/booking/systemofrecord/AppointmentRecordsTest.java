package io.slotstream.booking.systemofrecord;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.FhirAppointment;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.Referral;
import io.slotstream.booking.fhir.AppointmentRenderer;
import io.slotstream.booking.upstream.UpstreamProperties;
import org.hl7.fhir.r4.model.Appointment;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Appointments appointment.v1 carries, and what a record holds. */
class AppointmentRecordsTest {

    final FhirContext fhir = FhirContext.forR4Cached();
    final AppointmentRecords records = new AppointmentRecords(new AppointmentRenderer(),
            new UpstreamProperties(null, null, Map.of("ehr", new UpstreamProperties.Source(URI.create("http://ehr.example/fhir")))),
            fhir);

    static StoredAppointment appointment(String schedule, String status, boolean conflict) {
        return new StoredAppointment("a1", status, conflict ? "source-busy" : null, conflict, schedule,
                List.of("sor.slot-1", "sor.slot-2"), Instant.parse("2026-12-03T08:00:00Z"),
                Instant.parse("2026-12-03T08:30:00Z"), "Patient/p1", null, List.of("PractitionerRole/sor.role"), "note",
                new Referral("aggregator.example", "ref-42", null, null), null, Instant.parse("2026-11-30T07:00:00Z"));
    }

    @Test
    void aBookingOfASourceWithoutUpstreamIsWrittenWithItsFhirForm() {
        FhirAppointment r = records.of(appointment("sor.sched", "booked", true), false).orElseThrow();
        assertThat(r.getId()).isEqualTo("a1");
        assertThat(r.getIdentifier()).isEqualTo("urn:uuid:a1");
        assertThat(r.getStatus()).isEqualTo("booked");
        assertThat(r.getConflict()).isTrue();
        assertThat(r.getStatusReason()).isEqualTo("source-busy");
        assertThat(r.getSchedule()).isEqualTo("Schedule/sor.sched");
        assertThat(r.getSlots()).containsExactly("Slot/sor.slot-1", "Slot/sor.slot-2");
        assertThat(r.getStart()).isEqualTo(Instant.parse("2026-12-03T08:00:00Z"));
        assertThat(r.getPatient()).isEqualTo("Patient/p1");
        assertThat(r.getBookingReferral()).isEqualTo("ref-42");
        assertThat(r.getProvenance().getSource()).isEqualTo("sor");
        assertThat(r.getProvenance().getEventTime()).isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        Appointment a = fhir.newJsonParser().parseResource(Appointment.class, r.getFhirJson());
        assertThat(a.getIdPart()).isEqualTo("a1");
        assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(a.getSlot()).hasSize(2);
    }

    @Test
    void holdsUpstreamSourcesAndCancellationsOfUnwrittenAppointmentsAreNotWritten() {
        assertThat(records.of(appointment("sor.sched", "pending", false), false)).isEmpty();
        assertThat(records.of(appointment("ehr.sched", "booked", false), false)).isEmpty();
        assertThat(records.of(appointment("sor.sched", "cancelled", false), false)).isEmpty();
        assertThat(records.of(appointment("sor.sched", "cancelled", false), true))
                .hasValueSatisfying(r -> assertThat(r.getStatus()).isEqualTo("cancelled"));
    }
}
