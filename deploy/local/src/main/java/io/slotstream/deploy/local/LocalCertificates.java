package io.slotstream.deploy.local;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and one EC P-256 certificate it signed for {@code 127.0.0.1} and
 * {@code localhost} (server and client authentication, valid 2 days), as PEM files, made with the JDK's
 * {@code keytool}: TLS material for tests and local runs of the stack, the shape cert-manager or a corporate CA
 * gives a Kubernetes deployment ({@code tls.crt}, {@code tls.key}, {@code ca.crt}).
 *
 * @param caCertificate     the CA certificate (PEM): what clients trust
 * @param certificateChain  the certificate, then the CA certificate (PEM)
 * @param privateKey        the certificate's private key (unencrypted PKCS#8 PEM)
 * @param keyAndCertificate the private key and the chain in one file (Kafka's {@code ssl.keystore.type=PEM} by location)
 */
public record LocalCertificates(Path caCertificate, Path certificateChain, Path privateKey, Path keyAndCertificate) {

    private static final String STORE_PASSWORD = "local-only";

    /**
     * Creates a new CA and certificate in {@code dir} (created if needed; existing files of these names are replaced).
     *
     * @throws StackException when keytool fails or the files cannot be written
     */
    public static LocalCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            Path store = dir.resolve("service.p12");
            Files.deleteIfExists(caStore);
            Files.deleteIfExists(store);
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=Slotstream local CA", "-ext", "bc:c", "-keystore", caStore.toString());
            keytool(dir, "-genkeypair", "-alias", "service", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=localhost", "-keystore", store.toString());
            keytool(dir, "-certreq", "-alias", "service", "-keystore", store.toString(), "-file", "service.csr");
            keytool(dir, "-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-infile", "service.csr", "-outfile",
                    "service.crt", "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                    "-ext", "eku=serverAuth,clientAuth", "-ext", "ku=digitalSignature");
            keytool(dir, "-exportcert", "-alias", "ca", "-keystore", caStore.toString(), "-rfc", "-file", "ca.crt");
            Path ca = dir.resolve("ca.crt");
            Path chain = Files.writeString(dir.resolve("tls.crt"),
                    Files.readString(dir.resolve("service.crt")).strip() + "\n" + Files.readString(ca).strip() + "\n");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, STORE_PASSWORD.toCharArray());
            }
            PrivateKey key = (PrivateKey) keys.getKey("service", STORE_PASSWORD.toCharArray());
            String keyPem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Path keyFile = Files.writeString(dir.resolve("tls.key"), keyPem);
            Path both = Files.writeString(dir.resolve("tls-key-and-crt.pem"), keyPem + Files.readString(chain));
            return new LocalCertificates(ca, chain, keyFile, both);
        } catch (IOException | GeneralSecurityException e) {
            throw new StackException("cannot create local TLS certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-noprompt"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted running keytool", e);
        }
    }

    /**
     * @return a client TLS context that trusts this CA only (the JVM's CAs not included)
     * @throws StackException when the CA file cannot be read
     */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new StackException("cannot read the CA certificate " + caCertificate + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return a server TLS context presenting this certificate
     * @throws StackException when the key or chain cannot be read
     */
    public SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(certificateChain)) {
            String pem = Files.readString(privateKey).replaceAll("-----[A-Z ]+-----|\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("service", key, STORE_PASSWORD.toCharArray(),
                    CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, STORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new StackException("cannot read the certificate " + certificateChain + " and its key: " + e.getMessage(), e);
        }
    }

    /**
     * Starts an HTTPS server on a free loopback port that presents this certificate (a test's feed publisher or EHR);
     * {@code https://127.0.0.1:<getAddress().getPort()>} reaches it; stop it when done.
     *
     * @param handler answers every path
     * @throws StackException when the server cannot start or the certificate cannot be read
     */
    public HttpsServer httpsServer(HttpHandler handler) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
            server.createContext("/", handler);
            server.start();
            return server;
        } catch (IOException e) {
            throw new StackException("cannot start an HTTPS server on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * The Spring Boot settings (as environment variables) that make a service's listener HTTPS with this certificate
     * and its service-to-service clients trust this CA: SSL bundle {@code slotstream} for {@code server.ssl.bundle}
     * and {@code slotstream.tls.client-bundle}, the same variables the Helm chart renders.
     */
    public Map<String, String> serviceEnvironment() {
        return Map.of(
                "SERVER_SSL_BUNDLE", "slotstream",
                "SLOTSTREAM_TLS_CLIENT_BUNDLE", "slotstream",
                "SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_KEYSTORE_CERTIFICATE", "file:" + certificateChain.toAbsolutePath(),
                "SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_KEYSTORE_PRIVATEKEY", "file:" + privateKey.toAbsolutePath(),
                "SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_TRUSTSTORE_CERTIFICATE", "file:" + caCertificate.toAbsolutePath());
    }
}
