package io.slotstream.booking.systemofrecord;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.FhirAppointment;
import io.slotstream.avro.Provenance;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.fhir.AppointmentRenderer;
import io.slotstream.booking.upstream.UpstreamProperties;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Optional;

/**
 * What appointment.v1 carries for an Appointment of the view: only Appointments of sources without an upstream EHR
 * ({@code slotstream.booking.sources.<id>.upstream-url} unset: Slotstream is their system of record), only once they
 * are booked (a hold is not written), then every change. The FHIR JSON comes from the one Appointment renderer, so
 * the record and ITI-118 read agree.
 */
@Component
public class AppointmentRecords {

    private final AppointmentRenderer renderer;
    private final UpstreamProperties upstream;
    private final FhirContext fhir;
    private final Clock clock = Clock.systemUTC();

    public AppointmentRecords(AppointmentRenderer renderer, UpstreamProperties upstream, FhirContext fhir) {
        this.renderer = renderer;
        this.upstream = upstream;
        this.fhir = fhir;
    }

    /**
     * @param a            the Appointment as the view holds it
     * @param everWritten  whether appointment.v1 already has a record of it (a cancelled Appointment is written only
     *                     then: a hold that never became a booking is no Appointment of the system of record)
     * @return the record to write, or empty when the Appointment does not belong on appointment.v1 (yet)
     */
    public Optional<FhirAppointment> of(StoredAppointment a, boolean everWritten) {
        if (a.scheduleId() == null || upstream.upstreamOf(a.scheduleId()) != null) {
            return Optional.empty();
        }
        boolean write = "booked".equals(a.status()) || "cancelled".equals(a.status()) && everWritten;
        if (!write) {
            return Optional.empty();
        }
        int dot = a.scheduleId().indexOf('.');
        Provenance provenance = Provenance.newBuilder()
                .setSource(dot > 0 ? a.scheduleId().substring(0, dot) : a.scheduleId())
                .setSourceResourceId(a.id())
                .setEventTime(a.lastUpdated())
                .setIngestTime(clock.instant())
                .build();
        return Optional.of(FhirAppointment.newBuilder()
                .setId(a.id())
                .setProvenance(provenance)
                .setIdentifier("urn:uuid:" + a.id())
                .setStatus(a.status())
                .setStatusReason(a.statusReason())
                .setConflict(a.conflict())
                .setSchedule("Schedule/" + a.scheduleId())
                .setSlots(a.slotIds().stream().map(id -> "Slot/" + id).toList())
                .setStart(a.start())
                .setEnd(a.end())
                .setPatient(a.patient())
                .setParticipants(a.participants())
                .setComment(a.comment())
                .setBookingSource(a.referral().source())
                .setBookingReferral(a.referral().bookingReferral())
                .setFhirJson(fhir.newJsonParser().encodeResourceToString(renderer.stored(a)))
                .build());
    }
}
