package io.slotstream.booking.fhir;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.PrintWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DeferredFlushResponseTest {

    @Test
    void theWritersFlushIsDeferredAndFlushBufferStillCommits() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        DeferredFlushResponse deferred = new DeferredFlushResponse(response);

        PrintWriter writer = deferred.getWriter();
        writer.write("{\"resourceType\":");
        writer.flush();
        writer.write("\"Bundle\"}");
        writer.flush();

        assertThat(response.isCommitted()).as("committed by a value's flush").isFalse();
        deferred.flushBuffer();
        assertThat(response.isCommitted()).isTrue();
        assertThat(response.getContentAsString()).isEqualTo("{\"resourceType\":\"Bundle\"}");
    }

    @Test
    void theStreamsFlushIsDeferred() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        DeferredFlushResponse deferred = new DeferredFlushResponse(response);

        deferred.getOutputStream().write("abc".getBytes());
        deferred.getOutputStream().flush();

        assertThat(response.isCommitted()).isFalse();
        assertThat(response.getContentAsString()).isEqualTo("abc");
    }

    @Test
    void theFhirServerSendsASmallAnswerWholeInsteadOfFlushingEveryJsonValue() throws Exception {
        // HAPI's JSON encoder flushes after every string element (Jackson's FLUSH_AFTER_WRITE_VALUE): through a plain
        // response this answer went out as one HTTP chunk per value
        InProcessFhirServer.Answer answer = InProcessFhirServer.shared().get("Appointment?status=booked");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"resourceType\":\"Bundle\"").contains("\"type\":\"searchset\"");
        assertThat(answer.flushes()).as("flushes of the body while encoding").isZero();
    }
}
