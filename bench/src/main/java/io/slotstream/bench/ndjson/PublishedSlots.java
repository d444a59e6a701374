package io.slotstream.bench.ndjson;

import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.hl7.fhir.r4.model.Slot;

import java.time.Instant;

/**
 * A generated Slot as availability-service publishes it on {@code slot.availability.v1}: the slot-level fields of
 * {@link SlotAvailability} filled from the mapped {@link FhirSlot} (no hold, no booking; reference data left empty,
 * as the NDJSON writer does not use it), which is what publish-service's writer reads.
 */
final class PublishedSlots {

    private PublishedSlots() {
    }

    static SlotAvailability view(FhirAvroMapper mapper, Slot slot) {
        Provenance provenance = Provenance.newBuilder().setSource("bench").setSourceResourceId(slot.getIdPart())
                .setEventTime(Instant.EPOCH).setIngestTime(Instant.EPOCH).build();
        FhirSlot source = mapper.toAvro(slot, provenance);
        String schedule = source.getSchedule().getReference();
        return SlotAvailability.newBuilder()
                .setSlotId(source.getId())
                .setSourceStatus(source.getStatus())
                .setEffectiveStatus(source.getStatus())
                .setStart(source.getStart())
                .setEnd(source.getEnd())
                .setStartOffsetSeconds(source.getStartOffsetSeconds())
                .setEndOffsetSeconds(source.getEndOffsetSeconds())
                .setScheduleId(schedule.substring(schedule.indexOf('/') + 1))
                .setServiceType(source.getServiceType())
                .setBookingDeepLink(source.getBookingDeepLink())
                .setBookingPhone(source.getBookingPhone())
                .setPatientType(source.getPatientType())
                .setAppointmentType(source.getAppointmentType())
                .setSlot(source)
                .setProvenance(provenance)
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }
}
