package io.slotstream.publish;

import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** publish-service: the SMART Scheduling Links bulk publication ($bulk-publish + NDJSON). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PublishServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PublishServiceApplication.class, args);
    }

    /** Refuses to start without the broker, the catalogue topics and the registry: one line names what is missing. */
    @Bean
    ApplicationRunner stackPreflight(Environment environment) {
        return args -> StackPreflight.fromSettings(environment::getProperty).verify();
    }
}
