package io.slotstream.edge.tls;

import org.springframework.boot.ssl.SslBundle;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;

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
     * @param bundle    the SSL bundle named by {@code slotstream.tls.client-bundle}: its truststore's CAs are trusted
     *                  besides the JVM's, its key and certificate (if any) answer a server asking for one (mutual TLS)
     * @param serverTls whether this service's own listener serves TLS ({@link #peerScheme()})
     * @throws IllegalStateException when the context cannot be built, e.g. the bundle has no truststore (the message says why)
     */
    public static ServiceTls of(SslBundle bundle, boolean serverTls) {
        try {
            SSLContext context = SSLContext.getInstance(bundle.getProtocol());
            context.init(bundle.getManagers().getKeyManagers(),
                    new TrustManager[]{CombinedTrustManager.withJvmDefaults(bundle.getManagers().getTrustManagers())}, null);
            return new ServiceTls(context, serverTls);
        } catch (GeneralSecurityException | RuntimeException e) {
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
     * Names a failed handshake's cause for a feed status, a booking's reason or a log line, so the operator knows which
     * setting fixes it.
     *
     * @param failure what an HTTP call threw (any cause chain)
     * @return when the chain holds a {@link SSLHandshakeException} caused by a certificate check: "the server's TLS
     *         certificate is not trusted (...)" with the JDK's reason; else empty (not a trust failure)
     */
    public static Optional<String> untrustedCertificate(Throwable failure) {
        boolean handshake = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            handshake |= t instanceof SSLHandshakeException;
            if (handshake && t instanceof CertificateException) {
                return Optional.of("the server's TLS certificate is not trusted (its CA is neither in the SSL bundle named by "
                        + "slotstream.tls.client-bundle nor among the JVM's CAs): " + t.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * @return {@code https} when this service's own listener serves TLS ({@code server.ssl.bundle} or a server
     *         certificate configured), else {@code http}: the scheme of its peers, which run the same configuration
     */
    public String peerScheme() {
        return serverTls ? "https" : "http";
    }
}
