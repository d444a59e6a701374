package io.slotstream.publish.http;

import io.slotstream.publish.config.PublishProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import org.springframework.util.unit.DataSize;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifest's base URL: configured for proxies, else the request's (issue 6 item 2). */
class BaseUrlsTest {

    private static PublishProperties properties(String baseUrl) {
        return properties(baseUrl, null);
    }

    private static PublishProperties properties(String baseUrl, String filesBaseUrl) {
        return new PublishProperties(null, baseUrl, filesBaseUrl, Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(60), DataSize.ofMegabytes(16), 8, Duration.ofSeconds(5),
                Duration.ofDays(365), "newpt", null, new PublishProperties.Storage("filesystem", null));
    }

    @Test
    void fileUrlsStartWithTheConfiguredFilesBaseUrlElseTheServicesDataPath() {
        assertThat(new BaseUrls(properties(null, "https://cdn.example.org/slots/")).files("https://sched.example.org"))
                .isEqualTo("https://cdn.example.org/slots");
        assertThat(new BaseUrls(properties(null, "")).files("https://sched.example.org"))
                .isEqualTo("https://sched.example.org/data");
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
