package io.slotstream.schemas.topic;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * How services reach the Apicurio Registry, and the serde settings that give the Confluent wire format (magic byte 0,
 * 4-byte content id, Avro binary) required by design.md ("Wire format"). Settings per spec/toolchain-notes.md §3.
 *
 * @param registryUrl  the Apicurio Registry v3 API base, e.g. {@code http://127.0.0.1:18080/apis/registry/v3}
 *                     (not the {@code /apis/ccompat/v7} API: the Apicurio serdes cannot use it)
 * @param autoRegister whether serializers may register a schema that is not in the registry yet; false in deployed
 *                     services, where the deploy step registers schemas under a compatibility rule
 * @param username     HTTP basic user of a secured registry ({@code slotstream.registry.username}), or null for an
 *                     open registry
 * @param password     its password ({@code slotstream.registry.password}), or null
 * @param caCertificate PEM file of the CA certificates an {@code https} registry's certificate chains to
 *                     ({@code slotstream.registry.ca}, env {@code SLOTSTREAM_REGISTRY_CA}, the provisioning job's
 *                     {@code --registry-ca} too), or null for the JVM's default CAs
 */
public record RegistrySettings(String registryUrl, boolean autoRegister, String username, String password, String caCertificate) {

    /** An open registry (no credentials). */
    public RegistrySettings(String registryUrl, boolean autoRegister) {
        this(registryUrl, autoRegister, null, null, null);
    }

    /** A registry trusted through the JVM's default CAs. */
    public RegistrySettings(String registryUrl, boolean autoRegister, String username, String password) {
        this(registryUrl, autoRegister, username, password, null);
    }

    /**
     * @throws NullPointerException     when registryUrl is null
     * @throws IllegalArgumentException when registryUrl is not an absolute http(s) URL or points at the ccompat API
     */
    public RegistrySettings {
        Objects.requireNonNull(registryUrl, "registryUrl");
        URI uri;
        try {
            uri = URI.create(registryUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("registryUrl must be an absolute http(s) URL, was " + registryUrl, e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("registryUrl must be an absolute http(s) URL, was " + registryUrl);
        }
        if (registryUrl.contains("/apis/ccompat")) {
            throw new IllegalArgumentException("registryUrl must be the Apicurio v3 API base (.../apis/registry/v3), "
                    + "not the ccompat API: the Apicurio serdes only speak v2/v3 (toolchain-notes §3); was " + registryUrl);
        }
        username = username == null || username.isBlank() ? null : username;
        if (username != null && (password == null || password.isEmpty())) {
            throw new IllegalArgumentException("slotstream.registry.username is set but slotstream.registry.password is not");
        }
        password = username == null ? null : password;
        caCertificate = caCertificate == null || caCertificate.isBlank() ? null : caCertificate.strip();
    }

    /**
     * @return the TLS context the registry is called with: trusting {@link #caCertificate()} when set, else the JVM's
     *         default
     * @throws IllegalArgumentException when the CA file cannot be read or holds no certificate (the message names it)
     */
    public javax.net.ssl.SSLContext sslContext() {
        try {
            if (caCertificate == null) {
                return javax.net.ssl.SSLContext.getDefault();
            }
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(caCertificate))) {
                int i = 0;
                for (var certificate : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + i++, certificate);
                }
                if (i == 0) {
                    throw new java.security.cert.CertificateException("no certificate in the file");
                }
            }
            var factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("slotstream.registry.ca=" + caCertificate + ": cannot read a CA certificate: "
                    + e.getMessage(), e);
        }
    }

    /** @return the HTTP {@code Authorization} header value for the registry ({@code Basic ...}), or null when open */
    public String basicAuthorization() {
        if (username == null) {
            return null;
        }
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Keeps the password out of logs and error messages. */
    @Override
    public String toString() {
        return "RegistrySettings[registryUrl=" + registryUrl + ", autoRegister=" + autoRegister
                + (username == null ? "" : ", username=" + username + ", password=***")
                + (caCertificate == null ? "" : ", caCertificate=" + caCertificate) + "]";
    }

    /**
     * Apicurio serde configuration for the Confluent wire format, exactly the settings of toolchain-notes §3: the
     * registry URL, {@code auto-register}, {@code use-id=contentId} (ccompat ids are content ids),
     * {@code id-handler=Default4ByteIdHandler}, {@code headers.enabled=false} (id in the payload),
     * {@code dereference-schema=true} (one self-contained schema per subject), {@code http.adapter=JDK} (the Vert.x
     * adapter can hang) and {@code use-specific-avro-reader=true} (deserializers return the generated classes), plus
     * {@code avro-datum-provider=}{@link CachedAvroDatumProvider} (no schema fingerprint per record), and for a
     * secured registry {@code auth.username}/{@code auth.password} (HTTP basic), and for a registry with a private
     * CA {@code tls.truststore.type=PEM} with {@code tls.truststore.location} (the CA file).
     * Values are Strings, as they would come from properties files.
     *
     * @return an unmodifiable map to merge into producer, consumer or Streams configs, or to pass to
     *         {@code Serde.configure}
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                "apicurio.registry.url", registryUrl,
                "apicurio.registry.auto-register", Boolean.toString(autoRegister),
                "apicurio.registry.use-id", "contentId",
                "apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler",
                "apicurio.registry.headers.enabled", "false",
                "apicurio.registry.dereference-schema", "true",
                "apicurio.registry.http.adapter", "JDK",
                "apicurio.registry.use-specific-avro-reader", "true",
                "apicurio.registry.avro-datum-provider", CachedAvroDatumProvider.class.getName()));
        if (username != null) {
            config.put("apicurio.registry.auth.username", username);
            config.put("apicurio.registry.auth.password", password);
        }
        if (caCertificate != null) {
            config.put("apicurio.registry.tls.truststore.type", "PEM");
            config.put("apicurio.registry.tls.truststore.location", caCertificate);
        }
        return Map.copyOf(config);
    }
}
