package io.slotstream.bench.ndjson;

import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.SlotJson;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UrlType;

/**
 * Builds the HAPI FHIR R4 model of a {@link GeneratedSlot}: the same Slot {@link SlotJson} writes, for the
 * HAPI side of the NDJSON comparison and for the Avro record size of the producer-perf anchor.
 */
public final class HapiSlots {

    private HapiSlots() {
    }

    /** @param id the id to give the resource (the generated id, or a canonical one) */
    public static Slot toHapi(GeneratedSlot g, String id, String scheduleReference) {
        Slot slot = new Slot();
        slot.setId(id);
        slot.addExtension(SlotJson.BOOKING_DEEP_LINK, new UrlType(g.bookingDeepLink()));
        slot.addExtension(SlotJson.BOOKING_PHONE,
                new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(g.bookingPhone()));
        slot.addExtension(SlotJson.PATIENT_TYPE, new Coding(SlotJson.ACCEPTING_PATIENTS, g.patientType(), null));
        slot.setSchedule(new Reference(scheduleReference));
        slot.setStatus(Slot.SlotStatus.fromCode(g.status()));
        slot.setStartElement(new InstantType(g.start()));
        slot.setEndElement(new InstantType(g.end()));
        return slot;
    }

    public static Slot toHapi(GeneratedSlot g) {
        return toHapi(g, g.id(), "Schedule/" + g.scheduleId());
    }
}
