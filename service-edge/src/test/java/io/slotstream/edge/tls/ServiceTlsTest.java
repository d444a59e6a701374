package io.slotstream.edge.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceTlsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ServiceTlsAutoConfiguration.class));

    @Test
    void withoutSettingsTheJvmDefaultTrustAndPlainHttpPeers() {
        runner.run(context -> {
            ServiceTls tls = context.getBean(ServiceTls.class);
            assertThat(tls.sslContext()).isSameAs(SSLContext.getDefault());
            assertThat(tls.peerScheme()).isEqualTo("http");
        });
    }

    @Test
    void anHttpsListenerMakesPeersHttps() {
        runner.withPropertyValues("server.ssl.bundle=slotstream").run(context ->
                assertThat(context.getBean(ServiceTls.class).peerScheme()).isEqualTo("https"));
    }

    @Test
    void anUnknownClientBundleStopsTheStartNamingTheSetting() {
        runner.withPropertyValues("slotstream.tls.client-bundle=missing").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("slotstream.tls.client-bundle=missing: no such SSL bundle"));
    }

    @Test
    void theClientBundlesCaIsTrustedBesideTheJvmCasAndOtherCertificatesAreNot(@TempDir Path dir) throws Exception {
        X509Certificate ca = selfSigned(dir, "ca");
        X509Certificate stranger = selfSigned(dir, "stranger");
        runner.withPropertyValues("slotstream.tls.client-bundle=services",
                "spring.ssl.bundle.pem.services.truststore.certificate=file:" + dir.resolve("ca.crt")).run(context -> {
            ServiceTls tls = context.getBean(ServiceTls.class);
            X509TrustManager combined = CombinedTrustManager.withJvmDefaults(trusting(ca));
            combined.checkServerTrusted(new X509Certificate[]{ca}, "ECDHE_ECDSA");
            assertThatThrownBy(() -> combined.checkServerTrusted(new X509Certificate[]{stranger}, "ECDHE_ECDSA"))
                    .isInstanceOf(CertificateException.class);
            assertThat(combined.getAcceptedIssuers()).contains(ca).hasSizeGreaterThan(1); // the JVM's CAs too
            assertThat(tls.sslContext()).isNotSameAs(SSLContext.getDefault());
            assertThat(tls.httpClient(java.time.Duration.ofSeconds(1)).build().sslContext()).isSameAs(tls.sslContext());
        });
    }

    private static javax.net.ssl.TrustManager[] trusting(X509Certificate ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    /** A self-signed CA certificate made with the JDK's keytool, written to {@code <name>.crt}. */
    private static X509Certificate selfSigned(Path dir, String name) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String store = dir.resolve(name + ".p12").toString();
        run(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "bc:c", "-keystore", store, "-storetype", "PKCS12", "-storepass", "test-only"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", name, "-keystore", store, "-storetype", "PKCS12",
                "-storepass", "test-only", "-file", dir.resolve(name + ".crt").toString()));
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }
}
