package io.slotstream.availability.http;

import io.slotstream.availability.query.SearchParams;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;

import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /fhir/metadata}: exactly the search parameters {@link SearchParams} accepts (plus read of Slot), so the
 * statement and the strict validation cannot drift apart.
 */
final class CapabilityStatementFactory {

    private CapabilityStatementFactory() {
    }

    static CapabilityStatement create() {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE).setDate(new Date(0))
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1)
                .setName("SlotstreamAvailability")
                .setTitle("Slotstream availability-service: the live slot view")
                .addFormat("json").addFormat("application/fhir+json");
        cs.getSoftware().setName("slotstream availability-service");
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER)
                .setDocumentation("Search is strict: unknown or malformed parameters are a 400 OperationOutcome. "
                        + "Paging: _count (page size); Slot pages with the next link's opaque _cursor (stable while the "
                        + "view changes) and gives Bundle.total when _total=accurate or the first page holds every "
                        + "match; the other resources page with _offset and an exact total. Includes: Schedule:actor on "
                        + "a Slot search needs _include:iterate with _include=Slot:schedule; included actors are the "
                        + "Locations, PractitionerRoles and HealthcareServices; _revinclude=Slot:schedule gives the "
                        + "earliest Slots first; at most slotstream.availability.max-includes (default 1000) included "
                        + "resources per page, beyond it an OperationOutcome warning entry (search.mode outcome). "
                        + "With token search access, _include/_revinclude also need read (<context>/<Type>.r) on every "
                        + "type they add, else 403 OperationOutcome naming the parameter and the missing scope.");
        for (Map.Entry<String, List<SearchParams.Spec>> e : SearchParams.all().entrySet()) {
            CapabilityStatement.CapabilityStatementRestResourceComponent r = rest.addResource().setType(e.getKey());
            r.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
            if (e.getKey().equals("Slot")) {
                r.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
            }
            // _include and _include:iterate values together (the iterate ones are documented in rest.documentation)
            for (String parameter : List.of(SearchParams.INCLUDE, SearchParams.INCLUDE_ITERATE)) {
                SearchParams.includes(parameter, e.getKey()).forEach(i -> r.addSearchInclude(i.value()));
            }
            SearchParams.includes(SearchParams.REVINCLUDE, e.getKey()).forEach(i -> r.addSearchRevInclude(i.value()));
            for (SearchParams.Spec spec : e.getValue()) {
                if (spec.name().startsWith("_") && !spec.name().equals("_id")) {
                    continue;
                }
                r.addSearchParam().setName(spec.name())
                        .setType(Enumerations.SearchParamType.fromCode(spec.type().code()))
                        .setDocumentation(spec.documentation() + " (" + spec.expression() + ")");
            }
            for (SearchParams.Spec spec : e.getValue()) {
                if (spec.name().equals("_sort")) {
                    r.addSearchParam().setName("_sort").setType(Enumerations.SearchParamType.SPECIAL)
                            .setDocumentation(spec.documentation());
                }
            }
        }
        return cs;
    }
}
