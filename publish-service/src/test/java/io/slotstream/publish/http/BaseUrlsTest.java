package io.slotstream.publish.http;

import io.slotstream.publish.config.PublishProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifest's base URL: configured for proxies, else the request's (issue 6 item 2). */
class BaseUrlsTest {

    private static PublishProperties properties(String baseUrl) {
        return new PublishProperties(null, baseUrl, Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofHours(24),
                100_000, Duration.ofSeconds(60), "newpt", null);
    }

    @Test
    void configuredBaseUrlWinsAndLosesItsTrailingSlash() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/$bulk-publish");
        request.setQueryString("_since=2026-01-01T00:00:00Z");
        assertThat(new BaseUrls(properties("https://sched.example.org/fhir/")).of(request)).isEqualTo("https://sched.example.org/fhir");
    }

    @Test
    void withoutConfigurationTheRequestsSchemeHostAndPortWithoutQuery() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/$bulk-publish");
        request.setServerName("127.0.0.1");
        request.setServerPort(8083);
        request.setQueryString("_since=2026-01-01T00:00:00Z");
        assertThat(new BaseUrls(properties(" ")).of(request)).isEqualTo("http://127.0.0.1:8083");
        assertThat(SinceParameter.parse("2026-01-01T00:00:00.1239-05:00")).isEqualTo(
                java.time.Instant.parse("2026-01-01T05:00:00.123Z").toEpochMilli());
    }
}
