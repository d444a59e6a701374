package io.slotstream.availability.http;

import io.slotstream.availability.config.AvailabilityProperties;
import io.slotstream.availability.query.IncludeLoader;
import io.slotstream.availability.query.Includes;
import io.slotstream.availability.query.Paging;
import io.slotstream.availability.query.Partial;
import io.slotstream.availability.query.SearchService;
import io.slotstream.availability.query.SlotPage;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.edge.outcome.OperationOutcomes;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.Map;

/**
 * The FHIR R4 read API over the view ({@code /fhir}): searchset Bundles of Slot, Schedule, Location, PractitionerRole
 * and HealthcareService, Slot read, and the CapabilityStatement. Responses are {@code application/fhir+json}; errors
 * are OperationOutcomes ({@link FhirErrorHandler}).
 */
@RestController
@RequestMapping("/fhir")
public class FhirSearchController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final SearchService search;
    private final IncludeLoader includes;
    private final FhirRenderer render;
    private final AvailabilityProperties properties;
    private final String capabilityStatement;

    public FhirSearchController(SearchService search, IncludeLoader includes, FhirRenderer render,
                                AvailabilityProperties properties) {
        this.search = search;
        this.includes = includes;
        this.render = render;
        this.properties = properties;
        this.capabilityStatement = render.json(CapabilityStatementFactory.create());
    }

    @GetMapping("/metadata")
    public ResponseEntity<String> metadata() {
        return ok(capabilityStatement);
    }

    @GetMapping("/Slot")
    public ResponseEntity<byte[]> slots(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        SlotPage page = SlotPage.parse(params, properties.defaultCount(), properties.maxCount());
        Includes include = Includes.parse("Slot", params);
        Partial<SlotAvailability> result = search.slots(params, page);
        int shown = Math.min(page.count(), result.first().size());
        return ok(render.slotSearchset(base(), params, result, page,
                includes.forSlots(result.first().subList(0, shown), include)));
    }

    @GetMapping("/Slot/{id}")
    public ResponseEntity<?> slot(@PathVariable String id) {
        return search.slot(id).<ResponseEntity<?>>map(a -> ok(render.slot(a)))
                .orElseGet(() -> OperationOutcomes.response(404, OperationOutcomes.error(
                        OperationOutcome.IssueType.NOTFOUND, "Slot/" + id + " is not in the view", null)));
    }

    @GetMapping("/Schedule")
    public ResponseEntity<byte[]> schedules(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        Paging paging = paging("Schedule", params);
        Includes include = Includes.parse("Schedule", params);
        Partial<FhirSchedule> result = search.schedules(params, paging);
        return ok(render.searchset(base(), "Schedule", params, result, paging, FhirSchedule::getId,
                includes.forSchedules(result.page(paging), include)));
    }

    @GetMapping("/Location")
    public ResponseEntity<byte[]> locations(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        Paging paging = paging("Location", params);
        Includes include = Includes.parse("Location", params);
        Partial<FhirLocation> result = search.locations(params, paging);
        return ok(render.searchset(base(), "Location", params, result, paging, FhirLocation::getId, includes.forActors("Location",
                result.page(paging).stream().map(FhirLocation::getId).toList(), include)));
    }

    @GetMapping("/PractitionerRole")
    public ResponseEntity<byte[]> practitionerRoles(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        Paging paging = paging("PractitionerRole", params);
        Includes include = Includes.parse("PractitionerRole", params);
        Partial<FhirPractitionerRole> result = search.practitionerRoles(params, paging);
        return ok(render.searchset(base(), "PractitionerRole", params, result, paging, FhirPractitionerRole::getId, includes.forActors("PractitionerRole",
                result.page(paging).stream().map(FhirPractitionerRole::getId).toList(), include)));
    }

    @GetMapping("/HealthcareService")
    public ResponseEntity<byte[]> healthcareServices(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        Paging paging = paging("HealthcareService", params);
        Includes include = Includes.parse("HealthcareService", params);
        Partial<FhirHealthcareService> result = search.healthcareServices(params, paging);
        return ok(render.searchset(base(), "HealthcareService", params, result, paging, FhirHealthcareService::getId, includes.forActors("HealthcareService",
                result.page(paging).stream().map(FhirHealthcareService::getId).toList(), include)));
    }

    private Paging paging(String type, Map<String, String[]> params) {
        return Paging.parse(type, params, properties.defaultCount(), properties.maxCount());
    }

    private static String base() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path("/fhir").toUriString();
    }

    private static <B> ResponseEntity<B> ok(B body) {
        return ResponseEntity.ok().contentType(FHIR_JSON).body(body);
    }
}
