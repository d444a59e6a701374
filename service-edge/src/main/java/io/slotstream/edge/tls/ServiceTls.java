package io.slotstream.edge.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * The TLS trust of every HTTP client a service uses to call another Slotstream service or the authorization server
 * (booking-bridge → availability-service, availability-service → its peers, web → the services, the resource server →
 * the issuer's JWKS, a Backend Services client → the token endpoint), so that one setting covers them all.
 * Trusted: the CA certificates of the SSL bundle named by {@code slotstream.tls.client-bundle} <em>and</em> the JVM's
 * default CAs (an external issuer with a public certificate keeps working); the bundle's key and certificate, when it
 * has them, answer a server that asks for a client certificate (mutual TLS). Without the property: the JVM's default
 * {@link SSLContext}.
 */
public final class ServiceTls {

    private final SSLContext sslContext;
    private final boolean serverTls;

    private ServiceTls(SSLContext sslContext, boolean serverTls) {
        this.sslContext = sslContext;
        this.serverTls = serverTls;
    }

    /** The JVM's default trust, for a service without {@code slotstream.tls.client-bundle} (and for tests). */
    public static ServiceTls jvmDefault(boolean serverTls) {
        try {
            return new ServiceTls(SSLContext.getDefault(), serverTls);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * @param bundleTrust the configured CA's trust managers' first X.509 manager, combined with the JVM default CAs
     * @param keyManagers the client's own key managers (mutual TLS), possibly empty
     * @param protocol    the SSLContext protocol, e.g. {@code TLS}
     * @throws IllegalStateException when the context cannot be built (the message says why)
     */
    static ServiceTls of(javax.net.ssl.TrustManager[] bundleTrust, KeyManager[] keyManagers, String protocol, boolean serverTls) {
        try {
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(keyManagers, new javax.net.ssl.TrustManager[]{CombinedTrustManager.withJvmDefaults(bundleTrust)}, null);
            return new ServiceTls(context, serverTls);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context of slotstream.tls.client-bundle: " + e.getMessage(), e);
        }
    }

    /** @return the client TLS context: configured CA plus JVM defaults, or the JVM default */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** @return a new JDK HTTP client builder with this trust and {@code connectTimeout}, for the caller to finish */
    public HttpClient.Builder httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().sslContext(sslContext).connectTimeout(connectTimeout);
    }

    /**
     * @return {@code https} when this service's own listener serves TLS ({@code server.ssl.bundle} or a server
     *         certificate configured), else {@code http}: the scheme of its peers, which run the same configuration
     */
    public String peerScheme() {
        return serverTls ? "https" : "http";
    }
}
