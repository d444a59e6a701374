package io.slotstream.availability.http;

import io.slotstream.availability.query.Partial;
import io.slotstream.availability.query.RecordListCodec;
import io.slotstream.availability.query.ReferenceQueries;
import io.slotstream.availability.query.SearchException;
import io.slotstream.availability.query.SearchService;
import io.slotstream.availability.query.SlotPage;
import io.slotstream.availability.query.SlotQuery;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.SlotAvailability;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/**
 * Instance-to-instance endpoints of the fan-out ({@link SearchService}): this instance's local part of a search, as
 * {@link RecordListCodec} bodies. Same parameters as the FHIR search plus {@code _limit}. Not a public API; it lives on
 * the service port (keep that port inside the cluster network).
 */
@RestController
@RequestMapping("/internal")
class InternalQueryController {

    private static final MediaType PARTIAL = MediaType.parseMediaType(RecordListCodec.MEDIA_TYPE);
    private static final AvroBinarySerde<SlotAvailability> SLOTS = new AvroBinarySerde<>(SlotAvailability.class);
    private static final AvroBinarySerde<FhirSchedule> SCHEDULES = new AvroBinarySerde<>(FhirSchedule.class);
    private static final AvroBinarySerde<FhirLocation> LOCATIONS = new AvroBinarySerde<>(FhirLocation.class);
    private static final AvroBinarySerde<FhirPractitionerRole> ROLES = new AvroBinarySerde<>(FhirPractitionerRole.class);
    private static final AvroBinarySerde<FhirHealthcareService> SERVICES =
            new AvroBinarySerde<>(FhirHealthcareService.class);

    private final SearchService search;

    InternalQueryController(SearchService search) {
        this.search = search;
    }

    @GetMapping("/Slot")
    ResponseEntity<byte[]> slots(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        SlotQuery query = SlotQuery.parse(SearchService.withoutControl(params));
        SlotPage page = SlotPage.parse(params, 1, Integer.MAX_VALUE);
        return ok(RecordListCodec.encode(search.localSlots(query, page.cursor(), page.accurateTotal(), limit(params)), SLOTS));
    }

    @GetMapping("/Slot/{id}")
    ResponseEntity<byte[]> slot(@PathVariable String id) {
        List<SlotAvailability> found = search.localSlot(id).map(List::of).orElse(List.of());
        return ok(RecordListCodec.encode(new Partial<>(found.size(), found), SLOTS));
    }

    @GetMapping("/Schedule")
    ResponseEntity<byte[]> schedules(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        var filter = ReferenceQueries.schedule(SearchService.withoutControl(params));
        return ok(RecordListCodec.encode(search.localSchedules(filter, limit(params)), SCHEDULES));
    }

    @GetMapping("/Location")
    ResponseEntity<byte[]> locations(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        var filter = ReferenceQueries.location(SearchService.withoutControl(params));
        return ok(RecordListCodec.encode(search.localLocations(filter, limit(params)), LOCATIONS));
    }

    @GetMapping("/PractitionerRole")
    ResponseEntity<byte[]> practitionerRoles(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        var filter = ReferenceQueries.practitionerRole(SearchService.withoutControl(params));
        return ok(RecordListCodec.encode(search.localPractitionerRoles(filter, limit(params)), ROLES));
    }

    @GetMapping("/HealthcareService")
    ResponseEntity<byte[]> healthcareServices(HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        var filter = ReferenceQueries.healthcareService(SearchService.withoutControl(params));
        return ok(RecordListCodec.encode(search.localHealthcareServices(filter, limit(params)), SERVICES));
    }

    private static int limit(Map<String, String[]> params) {
        String[] v = params.get(SearchService.LIMIT_PARAM);
        try {
            return v == null ? Integer.MAX_VALUE : Integer.parseInt(v[0]);
        } catch (NumberFormatException e) {
            throw new SearchException("_limit must be an integer", "_limit");
        }
    }

    private static ResponseEntity<byte[]> ok(byte[] body) {
        return ResponseEntity.ok().contentType(PARTIAL).body(body);
    }
}
