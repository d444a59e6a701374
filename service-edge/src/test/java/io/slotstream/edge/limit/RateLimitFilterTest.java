package io.slotstream.edge.limit;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** 429 with Retry-After and an OperationOutcome once a client's bucket is empty; other clients and reads unaffected. */
class RateLimitFilterTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RateLimitFilter filter = new RateLimitFilter(properties(1, 3), meters);

    @Test
    void aClientOverItsBurstGets429WithRetryAfterAndAnOperationOutcome() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(call(token("PUT", "/fhir/Slot/s1", "ehr-a")).getStatus()).as("request " + i).isEqualTo(200);
        }
        MockHttpServletResponse refused = call(token("PUT", "/fhir/Slot/s1", "ehr-a"));

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 2L);
        assertThat(refused.getContentType()).startsWith("application/fhir+json");
        OperationOutcome outcome = (OperationOutcome) FhirContext.forR4Cached().newJsonParser()
                .parseResource(refused.getContentAsString());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.THROTTLED);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("'ehr-a'", "at most 1 write requests per second",
                "bursts of 3");
        assertThat(outcome.getIssueFirstRep().getDetails().getText()).isEqualTo("slotstream.security.rate-limit");
        assertThat(meters.counter("slotstream.security.rate.limited").count()).isEqualTo(1);

        assertThat(call(token("PUT", "/fhir/Slot/s1", "ehr-b")).getStatus()).as("another client has its own bucket").isEqualTo(200);
        assertThat(call(token("GET", "/fhir/Slot/s1", "ehr-a")).getStatus()).as("reads are not limited").isEqualTo(200);
        assertThat(call(token("POST", "/actuator/refresh", "ehr-a")).getStatus()).as("other paths are not limited").isEqualTo(200);
    }

    @Test
    void withoutATokenTheRemoteAddressIsTheClient() throws Exception {
        RateLimitFilter one = new RateLimitFilter(properties(1, 1), null);
        assertThat(call(one, anonymous("10.0.0.1")).getStatus()).isEqualTo(200);
        assertThat(call(one, anonymous("10.0.0.1")).getStatus()).isEqualTo(429);
        assertThat(call(one, anonymous("10.0.0.2")).getStatus()).isEqualTo(200);
    }

    @Test
    void zeroTurnsItOffAndBurstDefaultsToTwiceTheRate() {
        assertThat(properties(0, 0).enabled()).isFalse();
        assertThat(properties(5, 0).capacity()).isEqualTo(10);
        assertThat(properties(5, 7).capacity()).isEqualTo(7);
    }

    private MockHttpServletResponse call(MockHttpServletRequest request) throws Exception {
        return call(filter, request);
    }

    private static MockHttpServletResponse call(RateLimitFilter filter, MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    private static MockHttpServletRequest token(String method, String path, String client) {
        MockHttpServletRequest request = anonymous("127.0.0.1");
        request.setMethod(method);
        request.setRequestURI(path);
        request.setAttribute(SmartAccessManager.CALLER_ATTRIBUTE, new SmartCaller(client, null, null, List.of(), client));
        return request;
    }

    private static MockHttpServletRequest anonymous(String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir/Appointment/$book");
        request.setRemoteAddr(address);
        return request;
    }

    static RateLimitProperties properties(long rate, long burst) {
        return new RateLimitProperties(rate, burst, List.of("/fhir", "/fhir/**", "/admin/**"),
                List.of("POST", "PUT", "PATCH", "DELETE"), Duration.ofMinutes(10), 1000);
    }
}
