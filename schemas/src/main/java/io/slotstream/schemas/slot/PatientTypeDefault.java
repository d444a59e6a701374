package io.slotstream.schemas.slot;

import io.slotstream.avro.Coding;
import io.slotstream.schemas.fhir.SchedulingExtensions;

import java.util.Objects;

/**
 * The patient-type published on a Slot that has none upstream: STU1 makes the extension 1..1 on every Slot (§5.3,
 * §6.1; system {@code http://terminology.hl7.org/CodeSystem/accepting-patients}).
 *
 * @param code    accepting-patients code, e.g. {@code newpt}
 * @param display its display, may be null
 */
public record PatientTypeDefault(String code, String display) {

    public PatientTypeDefault {
        Objects.requireNonNull(code, "code");
        if (code.isBlank()) {
            throw new IllegalArgumentException("the default patient-type code must not be blank");
        }
    }

    /** @return the slot's own patient type when it has a code, else this default */
    public Coding orDefault(Coding upstream) {
        if (upstream != null && upstream.getCode() != null && !upstream.getCode().isEmpty()) {
            return upstream;
        }
        return Coding.newBuilder().setSystem(SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM).setCode(code)
                .setDisplay(display == null || display.isEmpty() ? null : display).build();
    }
}
