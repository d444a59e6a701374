package io.slotstream.edge.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Trusts a chain that either the configured CA or the JVM's default CAs accept. Both are full PKIX managers
 * ({@link X509ExtendedTrustManager}), so host name verification stays with the JDK as for any HTTPS client.
 */
final class CombinedTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager configured;
    private final X509ExtendedTrustManager defaults;

    private CombinedTrustManager(X509ExtendedTrustManager configured, X509ExtendedTrustManager defaults) {
        this.configured = configured;
        this.defaults = defaults;
    }

    /** @throws GeneralSecurityException when the JVM's defaults cannot be loaded or {@code bundleTrust} has no X.509 manager */
    static CombinedTrustManager withJvmDefaults(TrustManager[] bundleTrust) throws GeneralSecurityException {
        TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jvm.init((KeyStore) null);
        return new CombinedTrustManager(x509(bundleTrust), x509(jvm.getTrustManagers()));
    }

    private static X509ExtendedTrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        return Arrays.stream(managers).filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                .findFirst().orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager (does the bundle have a truststore?)"));
    }

    private interface Check {
        void run(X509ExtendedTrustManager manager) throws CertificateException;
    }

    private void either(Check check) throws CertificateException {
        try {
            check.run(configured);
        } catch (CertificateException notOurCa) {
            try {
                check.run(defaults);
            } catch (CertificateException e) {
                e.addSuppressed(notOurCa);
                throw e;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        either(m -> m.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        either(m -> m.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        either(m -> m.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        either(m -> m.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        either(m -> m.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        either(m -> m.checkClientTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return Stream.concat(Arrays.stream(configured.getAcceptedIssuers()), Arrays.stream(defaults.getAcceptedIssuers()))
                .toArray(X509Certificate[]::new);
    }
}
