package io.slotstream.edge;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeDefaultsTest {

    @Test
    void multipartAndSpringSecurityObservationsAreOffByDefault() {
        StandardEnvironment environment = new StandardEnvironment();
        new EdgeDefaults().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(EdgeDefaults.MULTIPART_ENABLED, Boolean.class)).isFalse();
        assertThat(environment.getProperty(EdgeDefaults.SECURITY_OBSERVATIONS, Boolean.class)).isFalse();
        assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow().getName())
                .as("the defaults are the last property source").isEqualTo(EdgeDefaults.PROPERTY_SOURCE);
    }

    @Test
    void aServicesOwnSettingWins() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application",
                Map.of(EdgeDefaults.SECURITY_OBSERVATIONS, "true")));
        new EdgeDefaults().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(EdgeDefaults.SECURITY_OBSERVATIONS, Boolean.class)).isTrue();
        assertThat(environment.getProperty(EdgeDefaults.MULTIPART_ENABLED, Boolean.class)).isFalse();
    }
}
