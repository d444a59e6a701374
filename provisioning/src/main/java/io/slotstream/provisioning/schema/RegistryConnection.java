package io.slotstream.provisioning.schema;

import io.apicurio.registry.client.RegistryClientFactory;
import io.apicurio.registry.client.common.HttpAdapterType;
import io.apicurio.registry.client.common.RegistryClientOptions;
import io.apicurio.registry.rest.client.RegistryClient;

import java.util.Objects;
import java.util.Optional;

/**
 * How provisioning reaches the Apicurio Registry.
 *
 * @param url           the registry's v3 API base, e.g. {@code http://127.0.0.1:18080/apis/registry/v3}
 * @param username      HTTP basic user, or empty for an open registry
 * @param password      HTTP basic password (with {@code username})
 * @param trustStorePem PEM file of CA certificates for an https registry with a private CA, or empty for the JDK's
 */
public record RegistryConnection(String url, Optional<String> username, Optional<String> password,
                                 Optional<String> trustStorePem) {

    /** @throws NullPointerException when a component is null */
    public RegistryConnection {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(trustStorePem, "trustStorePem");
    }

    /** An open registry (no auth, JDK trust store): the local stack. */
    public static RegistryConnection open(String url) {
        return new RegistryConnection(url, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** @return a client over the JDK HTTP adapter (the Vert.x adapter can block forever: toolchain-notes §3) */
    RegistryClient client() {
        RegistryClientOptions options = RegistryClientOptions.create(url).httpAdapter(HttpAdapterType.JDK);
        username.ifPresent(user -> options.basicAuth(user, password.orElse("")));
        trustStorePem.ifPresent(options::trustStorePem);
        return RegistryClientFactory.create(options);
    }
}
