package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpsServer;
import io.slotstream.deploy.local.LocalCertificates;
import io.slotstream.edge.tls.ServiceTls;
import org.hl7.fhir.r4.model.Appointment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward to an EHR over HTTPS with a certificate from a private CA (made by keytool at the start): accepted when
 * the service's client bundle ({@code slotstream.tls.client-bundle}) trusts that CA, a pending result naming the
 * untrusted certificate and the setting when only the JVM's CAs are trusted.
 */
class EhrForwarderTlsTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final AtomicInteger received = new AtomicInteger();
    static LocalCertificates certificates;
    static HttpsServer ehr;
    static URI base;

    @BeforeAll
    static void startAnHttpsEhr(@TempDir Path dir) throws Exception {
        certificates = LocalCertificates.create(dir);
        ehr = certificates.httpsServer(exchange -> {
            received.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        base = URI.create("https://127.0.0.1:" + ehr.getAddress().getPort() + "/fhir");
    }

    @AfterAll
    static void stop() {
        ehr.stop(0);
    }

    static Appointment appointment() {
        Appointment a = new Appointment();
        a.addIdentifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:0b5a2c1e-2a47-4e7f-9d43-6f0f7c1a9e10");
        a.setStatus(Appointment.AppointmentStatus.BOOKED);
        return a;
    }

    @Test
    void theEhrsPrivateCaInTheClientBundleIsTrusted() {
        ServiceTls tls = ServiceTls.of(SslBundle.of(new PemSslStoreBundle(null,
                PemSslStoreDetails.forCertificate("file:" + certificates.caCertificate().toAbsolutePath()))), false);
        int before = received.get();
        try (EhrForwarder forwarder = new EhrForwarder(base, Duration.ofSeconds(10), FHIR, tls)) {
            assertThat(forwarder.create(appointment())).isEqualTo(new EhrForwarder.Result.Accepted(201));
        }
        assertThat(received.get()).isEqualTo(before + 1);
    }

    @Test
    void anUntrustedCertificateLeavesTheBookingPendingWithAReasonNamingTheSetting() {
        int before = received.get();
        try (EhrForwarder forwarder = new EhrForwarder(base, Duration.ofSeconds(10), FHIR, ServiceTls.jvmDefault(false))) {
            EhrForwarder.Result result = forwarder.create(appointment());
            assertThat(result).isInstanceOf(EhrForwarder.Result.Pending.class);
            assertThat(((EhrForwarder.Result.Pending) result).reason())
                    .startsWith("the EHR could not be reached: the server's TLS certificate is not trusted")
                    .contains("slotstream.tls.client-bundle");
        }
        assertThat(received.get()).as("nothing reached the EHR").isEqualTo(before);
    }
}
