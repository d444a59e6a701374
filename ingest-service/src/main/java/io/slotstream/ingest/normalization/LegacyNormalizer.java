package io.slotstream.ingest.normalization;

import io.slotstream.schemas.fhir.SchedulingExtensions;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UrlType;

import java.util.List;
import java.util.Set;

/**
 * Rewrites 2021 SMART Scheduling Links input into STU1 form (spec §6.2 -> §6.1, §11), in place, before validation:
 * <ul>
 *   <li>Slot {@code .../fhir-registry.smarthealthit.org/.../booking-deep-link} -> the STU1 URL, value as
 *       {@code valueUrl};</li>
 *   <li>Slot legacy {@code booking-phone} {@code valueString} -> STU1 {@code valueContactPoint{system: phone, value}};</li>
 *   <li>Slot {@code slot-capacity}: kept verbatim as an unknown extension (lossless; STU1 clients ignore it);</li>
 *   <li>Schedule legacy {@code .../specialty} -> STU1 {@code schedule-specialty};</li>
 *   <li>a Slot without {@code patient-type} gets the configured default code (system accepting-patients), unless
 *       the default is empty (then the validator rejects it: STU1 makes it 1..1).</li>
 * </ul>
 * When a resource carries both the legacy and the STU1 form of one extension, the STU1 one wins and the legacy one is
 * dropped. Legacy extensions of other shapes (e.g. a legacy booking-phone with a valueContactPoint) are moved to the
 * STU1 URL as they are and then judged by the STU1 rules. Thread-safe.
 */
public final class LegacyNormalizer {

    private final String defaultPatientType;

    /** @param defaultPatientType accepting-patients code for Slots without patient-type; null/empty = none */
    public LegacyNormalizer(String defaultPatientType) {
        this.defaultPatientType = defaultPatientType == null || defaultPatientType.isBlank() ? null : defaultPatientType.trim();
    }

    /** @return the accepting-patients code a Slot without patient-type gets; null when none */
    public String defaultPatientType() {
        return defaultPatientType;
    }

    /** Normalises the resource in place; types other than Slot and Schedule are left alone. */
    public void normalise(Resource resource) {
        if (resource instanceof Slot slot) {
            normaliseSlot(slot);
        } else if (resource instanceof Schedule schedule) {
            rename(schedule.getExtension(), SchedulingExtensions.LEGACY_SCHEDULE_SPECIALTY, SchedulingExtensions.SCHEDULE_SPECIALTY);
        }
    }

    private void normaliseSlot(Slot slot) {
        List<Extension> extensions = slot.getExtension();
        rename(extensions, SchedulingExtensions.LEGACY_BOOKING_DEEP_LINK, SchedulingExtensions.BOOKING_DEEP_LINK);
        rename(extensions, SchedulingExtensions.LEGACY_BOOKING_PHONE, SchedulingExtensions.BOOKING_PHONE);
        for (Extension ext : extensions) {
            if (SchedulingExtensions.BOOKING_DEEP_LINK.equals(ext.getUrl()) && ext.getValue() instanceof PrimitiveType<?> text
                    && Set.of("string", "uri").contains(ext.getValue().fhirType())) {
                ext.setValue(new UrlType(text.getValueAsString()));
            }
            if (SchedulingExtensions.BOOKING_PHONE.equals(ext.getUrl()) && ext.getValue() != null
                    && "string".equals(ext.getValue().fhirType())) {
                String phone = ((PrimitiveType<?>) ext.getValue()).getValueAsString();
                ext.setValue(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone));
            }
        }
        if (defaultPatientType != null && extensions.stream().noneMatch(e -> SchedulingExtensions.PATIENT_TYPE.equals(e.getUrl()))) {
            slot.addExtension(SchedulingExtensions.PATIENT_TYPE,
                    new Coding(SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM, defaultPatientType, null));
        }
    }

    /** Moves extensions from the legacy URL to the STU1 one, or drops them when the STU1 one is already there. */
    private static void rename(List<Extension> extensions, String legacyUrl, String stu1Url) {
        boolean hasStu1 = extensions.stream().anyMatch(e -> stu1Url.equals(e.getUrl()));
        if (hasStu1) {
            extensions.removeIf(e -> legacyUrl.equals(e.getUrl()));
            return;
        }
        for (Extension ext : extensions) {
            if (legacyUrl.equals(ext.getUrl())) {
                ext.setUrl(stu1Url);
            }
        }
    }
}
