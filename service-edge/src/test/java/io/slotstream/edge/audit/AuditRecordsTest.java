package io.slotstream.edge.audit;

import io.slotstream.avro.AuditEvent;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import io.slotstream.edge.security.SmartScope;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What an answered request becomes on audit.events.v1: who, what, outcome, when, where, and nothing more. */
class AuditRecordsTest {

    static final Instant NOW = Instant.parse("2026-11-30T07:00:00Z");
    final AuditRoutes routes = new AuditRoutes(List.of(
            new AuditRoute(List.of("/fhir", "/fhir/", "/fhir/{type}", "/fhir/{type}/{id}"), List.of(), null, null),
            new AuditRoute(List.of("/admin/feeds/{id}"), List.of("PUT", "DELETE"), "Feed", null),
            new AuditRoute(List.of("/admin/feeds/{id}/poll"), List.of("POST"), "Feed", "poll")));

    @Test
    void tokenCreateNamesClientSourceAddressAndTheCreatedIdFromLocation() {
        MockHttpServletRequest request = request("POST", "/fhir/Slot");
        SmartCaller caller = new SmartCaller("ehr-a-client", "ehr-a", null,
                List.of(SmartScope.parse("system/Slot.cud").orElseThrow()), "ehr-a-client");
        request.setAttribute(SmartAccessManager.CALLER_ATTRIBUTE, caller);
        request.setAttribute(SmartAccessManager.SOURCE_ATTRIBUTE, "ehr-a");

        AuditEvent e = record(request, 201, "http://127.0.0.1:8081/fhir/Slot/s-1/_history/3");

        assertThat(e.getId()).hasSize(36);
        assertThat(e.getRecorded()).isEqualTo(NOW);
        assertThat(e.getService()).isEqualTo("ingest-service");
        assertThat(e.getInteraction()).isEqualTo("create");
        assertThat(e.getAction()).isEqualTo("C");
        assertThat(e.getOperation()).isNull();
        assertThat(e.getMethod()).isEqualTo("POST");
        assertThat(e.getPath()).isEqualTo("/fhir/Slot");
        assertThat(e.getQuery()).isNull();
        assertThat(e.getEntityType()).isEqualTo("Slot");
        assertThat(e.getEntityId()).isEqualTo("s-1");
        assertThat(e.getHttpStatus()).isEqualTo(201);
        assertThat(e.getOutcome()).isZero();
        assertThat(e.getDescription()).isNull();
        assertThat(e.getClientId()).isEqualTo("ehr-a-client");
        assertThat(e.getUser()).as("Backend Services: sub is the client, no separate user").isNull();
        assertThat(e.getSource()).isEqualTo("ehr-a");
        assertThat(e.getScopes()).isEqualTo("system/Slot.cud");
        assertThat(e.getNetworkAddress()).isEqualTo("10.1.2.3");
        assertThat(e.getPatient()).isNull();
        assertThat(AuditEventSender.key(e)).isEqualTo("ehr-a");
    }

    @Test
    void methodsMapToRestfulInteractionsAndActions() {
        assertThat(interactionOf("PUT", "/fhir/Schedule/sc1", 200)).containsExactly("update", "U", "Schedule", "sc1", null);
        assertThat(interactionOf("DELETE", "/fhir/Slot/s1", 200)).containsExactly("delete", "D", "Slot", "s1", null);
        assertThat(interactionOf("GET", "/fhir/Appointment/a1", 200)).containsExactly("read", "R", "Appointment", "a1", null);
        assertThat(interactionOf("GET", "/fhir/Appointment", 200)).containsExactly("search-type", "E", "Appointment", null, null);
        assertThat(interactionOf("POST", "/fhir/Appointment/_search", 200)).containsExactly("search-type", "E", "Appointment", null, null);
        assertThat(interactionOf("POST", "/fhir", 200)).containsExactly("transaction", "E", null, null, null);
        assertThat(interactionOf("POST", "/fhir/Appointment/$hold", 200)).containsExactly("operation", "E", "Appointment", null, "$hold");
        assertThat(interactionOf("PUT", "/admin/feeds/pub-a", 200)).containsExactly("update", "U", "Feed", "pub-a", null);
        assertThat(interactionOf("DELETE", "/admin/feeds/pub-a", 204)).containsExactly("delete", "D", "Feed", "pub-a", null);
        assertThat(interactionOf("POST", "/admin/feeds/pub-a/poll", 202)).containsExactly("operation", "E", "Feed", "pub-a", "poll");
        assertThat(routes.match(request("GET", "/admin/feeds/pub-a"))).as("GET of the admin API is not a listed route").isNull();
    }

    @Test
    void failuresCarryTheStatusAndOutcomeCode() {
        AuditEvent refused = record(request("PUT", "/fhir/Slot/s1"), 403, null);
        assertThat(refused.getOutcome()).isEqualTo(4);
        assertThat(refused.getHttpStatus()).isEqualTo(403);
        assertThat(refused.getDescription()).isEqualTo("HTTP 403 Forbidden");
        assertThat(refused.getClientId()).isNull();
        assertThat(AuditEventSender.key(refused)).isEqualTo("ingest-service");
        assertThat(record(request("PUT", "/fhir/Slot/s1"), 503, null).getOutcome()).isEqualTo(8);
        assertThat(record(request("PUT", "/fhir/Slot/s1"), 202, null).getOutcome()).isZero();
        MockHttpServletRequest lost = request("POST", "/fhir/Appointment/$hold");
        AuditDetails.of(lost).refused("slot-held: Slot/s1 is held");
        AuditEvent refusedHold = record(lost, 200, null);
        assertThat(refusedHold.getOutcome()).isEqualTo(4);
        assertThat(refusedHold.getDescription()).isEqualTo("HTTP 200: slot-held: Slot/s1 is held");
    }

    @Test
    void serviceDetailsWinAndPatientTokensNameTheirPatientAndUser() {
        MockHttpServletRequest request = request("POST", "/fhir/Appointment/$book");
        request.setAttribute(SmartAccessManager.CALLER_ATTRIBUTE, new SmartCaller("portal", null, "p-7",
                List.of(SmartScope.parse("patient/Appointment.cru").orElseThrow()), "login-42"));
        AuditDetails.of(request).entity("Appointment", "ap-9").patient("Patient/p-8").transaction("ITI-117", "C").detail("cancel");

        AuditEvent e = record(request, 200, null);

        assertThat(e.getEntityType()).isEqualTo("Appointment");
        assertThat(e.getEntityId()).isEqualTo("ap-9");
        assertThat(e.getPatient()).as("the service's patient wins over the token's").isEqualTo("p-8");
        assertThat(e.getAction()).isEqualTo("C");
        assertThat(e.getInteraction()).isEqualTo("operation");
        assertThat(e.getOperation()).isEqualTo("$book");
        assertThat(e.getEventCode()).isEqualTo("ITI-117");
        assertThat(e.getDetail()).isEqualTo("cancel");
        assertThat(e.getClientId()).isEqualTo("portal");
        assertThat(e.getUser()).isEqualTo("login-42");

        MockHttpServletRequest read = request("GET", "/fhir/Appointment/ap-9");
        read.setAttribute(SmartAccessManager.CALLER_ATTRIBUTE, new SmartCaller("portal", null, "p-7", List.of(), "login-42"));
        assertThat(record(read, 200, null).getPatient()).isEqualTo("p-7");
    }

    @Test
    void searchesKeepTheQueryWithoutDemographicsAndNameThePatientParameter() {
        MockHttpServletRequest search = request("GET", "/fhir/Appointment");
        search.setQueryString("patient=Patient/p-1&status=booked&name=Jane%20Doe&birthdate=1980-01-01&patient.phone=555");
        search.setParameter("patient", "Patient/p-1");

        AuditEvent e = record(search, 200, null);

        assertThat(e.getQuery()).isEqualTo("patient=Patient/p-1&status=booked&name=***&birthdate=***&patient.phone=***");
        assertThat(e.getPatient()).isEqualTo("p-1");
        assertThat(AuditRecords.redactedQuery(null)).isNull();
        assertThat(AuditRecords.redactedQuery("x".repeat(3000))).hasSize(2000);
    }

    @Test
    void aBatchBundleIsABatchInteraction() {
        MockHttpServletRequest request = request("POST", "/fhir");
        AuditDetails.of(request).interaction("batch");
        assertThat(record(request, 200, null).getInteraction()).isEqualTo("batch");
    }

    @Test
    void withSecurityOffTheSourceHeaderIsTheSource() {
        MockHttpServletRequest request = request("PUT", "/fhir/Slot/s1");
        request.addHeader(SmartAccessManager.SOURCE_HEADER, "ehr-b");
        assertThat(record(request, 200, null).getSource()).isEqualTo("ehr-b");
    }

    private List<String> interactionOf(String method, String path, int status) {
        AuditEvent e = record(request(method, path), status, null);
        return java.util.Arrays.asList(e.getInteraction(), e.getAction(), e.getEntityType(), e.getEntityId(), e.getOperation());
    }

    private AuditEvent record(MockHttpServletRequest request, int status, String location) {
        AuditRoutes.Match match = routes.match(request);
        assertThat(match).as(request.getMethod() + " " + request.getRequestURI() + " is audited").isNotNull();
        return AuditRecords.record("ingest-service", request, match, status, location, NOW);
    }

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setRemoteAddr("10.1.2.3");
        return request;
    }
}
