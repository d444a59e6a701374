package io.slotstream.deploy.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.slotstream.edge.security.client.BackendServicesClient;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher's authorization server (module {@code auth-server}) as a child JVM, with the launcher's own SMART
 * Backend Services clients registered: a fresh key pair per client and start, the public keys in the server's
 * configuration file ({@code <data-dir>/auth/auth-server.yml}) and the private keys beside it
 * ({@code <data-dir>/auth/<client>.jwk}, RSA keys also as {@code .pem}, so a developer can sign assertions for the local source client, README
 * "Security").
 */
public final class AuthServerProcess implements AutoCloseable {

    /** Writes the sample feeds' subscriptions (ingest-service's feed admin API). */
    public static final String FEED_ADMIN = "slotstream-feed-admin";
    /** Writes source data for source {@code local} (ingest-service's FHIR API). */
    public static final String LOCAL_SOURCE = "slotstream-local-source";
    /** Books through booking-bridge (the main job's booking step). */
    public static final String BOOKING_DEMO = "slotstream-booking-demo";
    /** The web pages' pass-through: holds and books for the portal, reads feed statuses for the status page. */
    public static final String WEB_PORTAL = "slotstream-web";
    /** The {@code aud} of the local stack's tokens. */
    public static final String AUDIENCE = "slotstream";

    private static final List<String> SOURCE_TYPES = List.of("Location", "Schedule", "Slot", "PractitionerRole",
            "Practitioner", "HealthcareService");

    private final ServiceProcess process;
    private final String issuer;
    private final Map<String, Registered> clients;
    private final Path keyDir;
    private final LocalCertificates tls;

    private record Registered(JWK key, String scope) {
    }

    private AuthServerProcess(ServiceProcess process, String issuer, Map<String, Registered> clients, Path keyDir,
                              LocalCertificates tls) {
        this.process = process;
        this.tls = tls;
        this.keyDir = keyDir;
        this.issuer = issuer;
        this.clients = clients;
    }

    /**
     * Registers the launcher's clients and launches the server without waiting for it.
     *
     * @throws StackException when the jar is missing, the port is taken or the files cannot be written
     */
    public static AuthServerProcess launch(Path projectDir, LocalStack stack, Path dataDir, int port) {
        return launch(projectDir, stack, dataDir, port, null);
    }

    /**
     * Like {@link #launch(Path, LocalStack, Path, int)}; with {@code tls} the server listens on HTTPS only with that
     * certificate (the issuer, its JWKS and token endpoint are {@code https} URLs), else on plain HTTP.
     */
    public static AuthServerProcess launch(Path projectDir, LocalStack stack, Path dataDir, int port, LocalCertificates tls) {
        String issuer = (tls == null ? "http://" : "https://") + stack.settings().host() + ":" + port;
        Map<String, Registered> clients = new LinkedHashMap<>();
        clients.put(FEED_ADMIN, new Registered(rsa(FEED_ADMIN), "system/Feed.cruds"));
        clients.put(LOCAL_SOURCE, new Registered(rsa(LOCAL_SOURCE),
                String.join(" ", SOURCE_TYPES.stream().map(t -> "system/" + t + ".cruds").toList())));
        clients.put(BOOKING_DEMO, new Registered(ec(BOOKING_DEMO), "system/Appointment.crus"));
        clients.put(WEB_PORTAL, new Registered(ec(WEB_PORTAL), "system/Appointment.crus system/Feed.rs"));
        Path dir = dataDir.resolve("auth");
        StringBuilder yml = new StringBuilder("slotstream:\n  auth:\n    issuer: " + issuer + "\n    audience: [" + AUDIENCE + "]\n    clients:\n");
        try {
            Files.createDirectories(dir);
            for (var entry : clients.entrySet()) {
                JWK key = entry.getValue().key();
                Files.writeString(dir.resolve(entry.getKey() + ".jwk"), key.toJSONString());
                if (key instanceof RSAKey rsa) {
                    // PKCS#8 PEM too, for signing an assertion with openssl (README "Security")
                    Files.writeString(dir.resolve(entry.getKey() + ".pem"), "-----BEGIN PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(rsa.toPrivateKey().getEncoded())
                            + "\n-----END PRIVATE KEY-----\n");
                }
                yml.append("      - client-id: ").append(entry.getKey()).append('\n')
                        .append("        jwks: '").append(new JWKSet(key.toPublicJWK())).append("'\n")
                        .append("        scopes: [").append(entry.getValue().scope().replace(" ", ", ")).append("]\n");
                if (entry.getKey().equals(LOCAL_SOURCE)) {
                    yml.append("        source: local\n");
                }
            }
            Files.writeString(dir.resolve("auth-server.yml"), yml);
        } catch (IOException | JOSEException e) {
            throw new StackException("cannot write the authorization server's configuration under " + dir + ": " + e.getMessage(), e);
        }
        ServiceProcess process = ServiceProcess.launch(new ServiceProcess.Definition("auth-server", port), projectDir, ServiceSet.Endpoints.of(stack), dataDir,
                Map.of("SPRING_CONFIG_ADDITIONALLOCATION", "file:" + dir.resolve("auth-server.yml")), tls);
        return new AuthServerProcess(process, issuer, clients, dir, tls);
    }

    private static JWK rsa(String client) {
        try {
            return new RSAKeyGenerator(3072).keyID(client + "-1").generate();
        } catch (JOSEException e) {
            throw new StackException("cannot make a key for " + client + ": " + e.getMessage(), e);
        }
    }

    private static JWK ec(String client) {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID(client + "-1").generate();
        } catch (JOSEException e) {
            throw new StackException("cannot make a key for " + client + ": " + e.getMessage(), e);
        }
    }

    /** @throws StackException when the server exits or is not ready in time */
    public void awaitReady() {
        process.awaitReady();
    }

    /** The issuer URL, e.g. {@code http://127.0.0.1:8086} ({@code https} with TLS). */
    public String issuer() {
        return issuer;
    }

    /** What every service needs to accept this server's tokens ({@code slotstream.security.*}). */
    public Map<String, String> resourceServerEnvironment() {
        return Map.of("SLOTSTREAM_SECURITY_MODE", "token",
                "SLOTSTREAM_SECURITY_ISSUER_URI", issuer,
                "SLOTSTREAM_SECURITY_JWK_SET_URI", issuer + "/oauth2/jwks",
                "SLOTSTREAM_SECURITY_AUDIENCE", AUDIENCE);
    }

    /** What the web module needs to call the protected APIs as {@link #WEB_PORTAL} ({@code slotstream.web.client-*}). */
    public Map<String, String> webClientEnvironment() {
        return Map.of("SLOTSTREAM_WEB_TOKEN_URL", issuer + "/oauth2/token",
                "SLOTSTREAM_WEB_CLIENT_ID", WEB_PORTAL,
                "SLOTSTREAM_WEB_CLIENT_KEY_FILE", keyDir.resolve(WEB_PORTAL + ".jwk").toString(),
                "SLOTSTREAM_WEB_CLIENT_SCOPE", clients.get(WEB_PORTAL).scope());
    }

    /** A token source for one of the registered clients ({@link #FEED_ADMIN}, {@link #LOCAL_SOURCE}, {@link #BOOKING_DEMO}). */
    public BackendServicesClient client(String clientId) {
        Registered registered = clients.get(clientId);
        if (registered == null) {
            throw new IllegalArgumentException("no client " + clientId + " registered by the launcher");
        }
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        return new BackendServicesClient(clientId, registered.key(), issuer + "/oauth2/token", registered.scope(),
                (tls == null ? http : http.sslContext(tls.clientContext())).build());
    }

    @Override
    public void close() {
        process.close();
    }
}
