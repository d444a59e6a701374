package io.slotstream.availability.index;

import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.mapping.SlotStatusCodes;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The index terms of a published slot: one posting list each (see {@link PostingKey}). A search drives its scan from
 * the posting lists of one parameter and checks every other condition on the slot itself, so a term only has to be
 * a superset of its parameter's matches: codes are indexed without their system, references by id.
 *
 * <ul>
 *   <li>{@code *}: every slot (a search with only a start range)</li>
 *   <li>{@code s:<code>}: effective status (Slot.status)</li>
 *   <li>{@code sc:<id>}: the Schedule</li>
 *   <li>{@code a:<id>}: each Schedule.actor</li>
 *   <li>{@code l:<id>}: each Location the slot is at ({@code locationIds}: actor Locations and the Locations of actor
 *       PractitionerRoles/HealthcareServices); Location criteria resolve to Location ids first</li>
 *   <li>{@code t:<code>}: each service-type code; {@code p:<code>}: each specialty code</li>
 * </ul>
 */
public final class SearchTerms {

    public static final String ALL = "*";

    private SearchTerms() {
    }

    public static String status(String code) {
        return "s:" + clean(code);
    }

    public static String schedule(String id) {
        return "sc:" + clean(id);
    }

    public static String actor(String id) {
        return "a:" + clean(id);
    }

    public static String location(String id) {
        return "l:" + clean(id);
    }

    public static String serviceType(String code) {
        return "t:" + clean(code);
    }

    public static String specialty(String code) {
        return "p:" + clean(code);
    }

    /** @return the distinct terms of the slot, in a fixed order */
    public static Set<String> of(SlotAvailability a) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add(ALL);
        terms.add(status(SlotStatusCodes.toCode(a.getEffectiveStatus())));
        terms.add(schedule(a.getScheduleId()));
        for (Reference actor : a.getActors()) {
            String type = ReferenceIds.typeOf(actor.getReference());
            String id = type == null ? null : ReferenceIds.idOf(actor.getReference(), type);
            if (id != null) {
                terms.add(actor(id));
            }
        }
        for (String location : a.getLocationIds()) {
            terms.add(location(location));
        }
        for (CodeableConcept concept : a.getServiceType()) {
            for (Coding coding : concept.getCoding()) {
                if (coding.getCode() != null) {
                    terms.add(serviceType(coding.getCode()));
                }
            }
        }
        for (Coding coding : a.getSpecialty()) {
            if (coding.getCode() != null) {
                terms.add(specialty(coding.getCode()));
            }
        }
        return terms;
    }

    private static String clean(String value) {
        return value.indexOf(0) < 0 ? value : value.replace("\0", "");
    }
}
