package io.slotstream.schemas.slot;

import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.ContactPoint;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Identifier;
import io.slotstream.avro.Period;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builders of SlotAvailability records for the renderer tests. */
public final class SlotFixtures {

    private SlotFixtures() {
    }

    public static Provenance provenance(String id) {
        return Provenance.newBuilder().setSource("test").setSourceResourceId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setIngestTime(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    }

    /** A minimal slot of 15 minutes at that start (epoch ms) with that offset, in those states. */
    public static SlotAvailability slot(String id, String scheduleId, SlotStatus status, long start, int offsetSeconds,
                                        List<String> states) {
        Instant from = Instant.ofEpochMilli(start);
        Instant to = Instant.ofEpochMilli(start + 15 * 60_000);
        FhirSlot source = FhirSlot.newBuilder().setId(id).setProvenance(provenance(id))
                .setSchedule(Reference.newBuilder().setReference("Schedule/" + scheduleId).build())
                .setStatus(SlotStatus.FREE).setStart(from).setStartOffsetSeconds(offsetSeconds)
                .setEnd(to).setEndOffsetSeconds(offsetSeconds).build();
        return SlotAvailability.newBuilder().setSlotId(id).setSourceStatus(SlotStatus.FREE).setEffectiveStatus(status)
                .setStart(from).setEnd(to).setStartOffsetSeconds(offsetSeconds).setEndOffsetSeconds(offsetSeconds)
                .setScheduleId(scheduleId).setStates(states).setSlot(source).setProvenance(provenance(id))
                .setBookingDeepLink("https://portal.example.org/book?slot=" + id)
                .setUpdatedAt(Instant.ofEpochMilli(start)).build();
    }

    /** A slot with random optional content: every element the published Slot can carry, present or not. */
    public static SlotAvailability random(Random random, String id) {
        SlotStatus[] statuses = SlotStatus.values();
        long start = 1_790_000_000_000L + random.nextInt(10_000_000) * 1000L + (random.nextBoolean() ? random.nextInt(1000) : 0);
        int offset = new int[]{0, -4 * 3600, -5 * 3600, 2 * 3600, 5 * 3600 + 1800}[random.nextInt(5)];
        SlotAvailability base = slot(id, "sch-" + random.nextInt(5), statuses[random.nextInt(statuses.length)], start, offset,
                random.nextBoolean() ? List.of("MA") : List.of());
        FhirSlot.Builder source = FhirSlot.newBuilder(base.getSlot());
        SlotAvailability.Builder view = SlotAvailability.newBuilder(base);
        if (random.nextBoolean()) {
            source.setIdentifier(List.of(Identifier.newBuilder().setSystem("https://ehr.example.org/slots").setValue(id)
                    .setUse(random.nextBoolean() ? "official" : null)
                    .setType(random.nextBoolean() ? concept(random) : null).build()));
        }
        if (random.nextBoolean()) {
            source.setServiceCategory(List.of(concept(random)));
        }
        if (random.nextBoolean()) {
            view.setServiceType(List.of(concept(random), concept(random)));
        }
        if (random.nextBoolean()) {
            source.setSpecialty(List.of(concept(random)));
        }
        if (random.nextBoolean()) {
            view.setAppointmentType(concept(random));
        }
        if (random.nextBoolean()) {
            source.setOverbooked(random.nextBoolean());
        }
        if (random.nextBoolean()) {
            source.setComment("walk-ins \"welcome\" \u00e9 " + id);
        }
        view.setBookingDeepLink(random.nextBoolean() ? "https://portal.example.org/b?slot=" + id + "&x=1" : null);
        if (random.nextBoolean()) {
            view.setBookingPhone(ContactPoint.newBuilder().setSystem("phone").setValue("+1-555-0100")
                    .setUse(random.nextBoolean() ? "work" : null).setRank(random.nextBoolean() ? 1 : null)
                    .setPeriod(random.nextBoolean() ? Period.newBuilder().setStart(Instant.parse("2020-01-01T00:00:00Z"))
                            .setEnd(Instant.parse("2030-06-01T12:30:00Z")).build() : null).build());
        }
        if (random.nextBoolean()) {
            view.setPatientType(Coding.newBuilder().setSystem("http://terminology.hl7.org/CodeSystem/accepting-patients")
                    .setCode(random.nextBoolean() ? "existptonly" : "nopt").setDisplay(random.nextBoolean() ? "d" : null).build());
        }
        return view.setSlot(source.build()).build();
    }

    private static CodeableConcept concept(Random random) {
        List<Coding> codings = new ArrayList<>();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            codings.add(Coding.newBuilder().setSystem("http://terminology.hl7.org/CodeSystem/service-type")
                    .setCode(Integer.toString(random.nextInt(600))).setDisplay(random.nextBoolean() ? "Display " + i : null)
                    .setVersion(random.nextInt(4) == 0 ? "1.0" : null)
                    .setUserSelected(random.nextInt(4) == 0 ? Boolean.TRUE : null).build());
        }
        return CodeableConcept.newBuilder().setCoding(codings).setText(n == 0 || random.nextBoolean() ? "text" : null).build();
    }
}
