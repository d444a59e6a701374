package io.slotstream.edge.limit;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** 413 with an OperationOutcome for write bodies over the limit, declared or chunked; smaller bodies pass intact. */
class BodySizeLimitFilterTest {

    final BodySizeLimitFilter filter = new BodySizeLimitFilter(100,
            RequestMatcher.of(List.of("/fhir", "/fhir/**"), List.of("POST", "PUT")));

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedUnread() throws Exception {
        MockHttpServletRequest request = post(new byte[101]);
        MockHttpServletResponse response = call(request, new AtomicReference<>());

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).startsWith("application/fhir+json");
        OperationOutcome outcome = (OperationOutcome) FhirContext.forR4Cached().newJsonParser()
                .parseResource(response.getContentAsString());
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).isEqualTo("Content-Length 101 bytes exceeds the limit of 100 bytes");
        assertThat(outcome.getIssueFirstRep().getDetails().getText()).isEqualTo("slotstream.security.max-body-size");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedAndOneWithinPassesIntact() throws Exception {
        MockHttpServletRequest big = chunked("x".repeat(150));
        assertThat(call(big, new AtomicReference<>()).getStatus()).isEqualTo(413);

        AtomicReference<String> seen = new AtomicReference<>();
        MockHttpServletResponse ok = call(chunked("{\"resourceType\":\"Parameters\"}"), seen);
        assertThat(ok.getStatus()).isEqualTo(200);
        assertThat(seen.get()).isEqualTo("{\"resourceType\":\"Parameters\"}");
    }

    @Test
    void readsAndSmallDeclaredBodiesPass() throws Exception {
        MockHttpServletRequest get = new MockHttpServletRequest("GET", "/fhir/Appointment");
        assertThat(call(get, new AtomicReference<>()).getStatus()).isEqualTo(200);
        assertThat(call(post(new byte[100]), new AtomicReference<>()).getStatus()).isEqualTo(200);
    }

    private MockHttpServletResponse call(MockHttpServletRequest request, AtomicReference<String> seen) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res) throws java.io.IOException {
                seen.set(new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                res.setStatus(200);
            }
        }));
        return response;
    }

    private static MockHttpServletRequest post(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir/Appointment/$book");
        request.setContent(body);
        return request;
    }

    private static MockHttpServletRequest chunked(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir/Appointment/$book") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
