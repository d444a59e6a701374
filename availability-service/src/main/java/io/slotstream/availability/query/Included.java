package io.slotstream.availability.query;

import org.apache.avro.specific.SpecificRecord;

import java.util.List;

/**
 * What a search page includes: the resources ({@code search.mode = include}, each once) and the warnings to add as an
 * OperationOutcome ({@code search.mode = outcome}) when the page's include cap cut them short.
 *
 * @param resources SlotAvailability, FhirSchedule, FhirLocation, FhirPractitionerRole or FhirHealthcareService, in
 *                  the order loaded
 * @param warnings  one text per cut include (with its parameter in {@code expressions} at the same index)
 * @param expressions the include parameter each warning is about, e.g. {@code Schedule?_revinclude}
 */
public record Included(List<SpecificRecord> resources, List<String> warnings, List<String> expressions) {

    /** Nothing included. */
    public static final Included NONE = new Included(List.of(), List.of(), List.of());
}
