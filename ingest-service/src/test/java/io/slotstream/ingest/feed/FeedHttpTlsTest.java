package io.slotstream.ingest.feed;

import com.sun.net.httpserver.HttpsServer;
import io.slotstream.deploy.local.LocalCertificates;
import io.slotstream.edge.tls.ServiceTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.util.unit.DataSize;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feed polling over HTTPS from a publisher whose certificate comes from a private CA (made by keytool at the start):
 * read when the client bundle ({@code slotstream.tls.client-bundle}) trusts that CA; with the JVM's CAs only, one
 * failed attempt (no retries: the certificate would not change) whose message names the untrusted certificate and the
 * setting. The feed status showing that message is FeedIntegrationTest's.
 */
class FeedHttpTlsTest {

    static final String MANIFEST = "{\"transactionTime\":\"2026-11-30T00:00:00Z\",\"request\":\"x\",\"output\":[],\"error\":[]}";
    /** A retry would wait an hour first (the test's timeout stops that). */
    static final FeedProperties.Polling SETTINGS = new FeedProperties.Polling(Duration.ofMinutes(5), Duration.ofMinutes(1),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10), 3, Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24), DataSize.ofMegabytes(4), 500, 2, "g", null, 0);
    static LocalCertificates certificates;
    static HttpsServer publisher;
    static String url;

    @BeforeAll
    static void startAnHttpsPublisher(@TempDir Path dir) throws Exception {
        certificates = LocalCertificates.create(dir);
        publisher = certificates.httpsServer(exchange -> {
            byte[] body = MANIFEST.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        url = "https://127.0.0.1:" + publisher.getAddress().getPort() + "/$bulk-publish";
    }

    @AfterAll
    static void stop() {
        publisher.stop(0);
    }

    @Test
    void aPublisherCertifiedByTheClientBundlesCaIsRead() throws Exception {
        ServiceTls tls = ServiceTls.of(SslBundle.of(new PemSslStoreBundle(null,
                PemSslStoreDetails.forCertificate("file:" + certificates.caCertificate().toAbsolutePath()))), false);
        try (FeedHttp http = new FeedHttp(SETTINGS, tls); FeedHttp.Fetched fetched = http.get(url, Map.of(), null)) {
            assertThat(fetched.status()).isEqualTo(200);
            assertThat(new String(fetched.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(MANIFEST);
        }
    }

    @Test
    @Timeout(60)
    void anUntrustedCertificateFailsAtOnceNamingTheSetting() {
        try (FeedHttp http = new FeedHttp(SETTINGS, ServiceTls.jvmDefault(false))) {
            assertThatThrownBy(() -> http.get(url, Map.of(), null)).isInstanceOf(FeedHttp.FetchException.class)
                    .hasMessageStartingWith("GET " + url + " failed: the server's TLS certificate is not trusted")
                    .hasMessageContaining("slotstream.tls.client-bundle");
        }
    }
}
