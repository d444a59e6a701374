package io.slotstream.auth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * auth-server: a SMART Backend Services authorization server (OAuth 2.0 {@code client_credentials} with a
 * {@code private_key_jwt} client assertion, RS384/ES384) for the local stack and the tests. In production any
 * OAuth 2.0 / OIDC server that issues JWT access tokens works instead (README "Security").
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AuthServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(AuthServerApplication.class, args);
    }
}
