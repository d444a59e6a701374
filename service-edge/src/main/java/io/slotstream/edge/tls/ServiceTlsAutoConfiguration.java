package io.slotstream.edge.tls;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The one {@link ServiceTls} of a service. {@code slotstream.tls.client-bundle} (env {@code SLOTSTREAM_TLS_CLIENT_BUNDLE})
 * names a Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>.truststore.certificate} = the CA that signed the
 * services' certificates; optionally {@code keystore.*} for mutual TLS); the service's own listener is HTTPS when
 * {@code server.ssl.bundle} (or a {@code server.ssl} certificate or key store) is set.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
public class ServiceTlsAutoConfiguration {

    /** @throws IllegalStateException when the named bundle is unknown or has no truststore */
    @Bean
    @ConditionalOnMissingBean
    ServiceTls serviceTls(Environment environment, SslBundles bundles) {
        boolean serverTls = environment.getProperty("server.ssl.enabled", Boolean.class, true)
                && (hasText(environment, "server.ssl.bundle") || hasText(environment, "server.ssl.certificate")
                || hasText(environment, "server.ssl.key-store"));
        String name = environment.getProperty("slotstream.tls.client-bundle", "");
        if (name.isBlank()) {
            return ServiceTls.jvmDefault(serverTls);
        }
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(name.strip());
        } catch (RuntimeException e) {
            throw new IllegalStateException("slotstream.tls.client-bundle=" + name + ": no such SSL bundle (define "
                    + "spring.ssl.bundle.pem." + name + ".truststore.certificate): " + e.getMessage(), e);
        }
        return ServiceTls.of(bundle, serverTls);
    }

    private static boolean hasText(Environment environment, String name) {
        String value = environment.getProperty(name);
        return value != null && !value.isBlank();
    }
}
