package io.slotstream.ingest;

import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** ingest-service: FHIR R4 intake of EHR schedule changes into the fhir.* topics. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngestServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(IngestServiceApplication.class, args);
    }

    /** Refuses to start without the broker, the catalogue topics and the registry: one line names what is missing. */
    @Bean
    ApplicationRunner stackPreflight(Environment environment) {
        return args -> StackPreflight.fromSettings(environment::getProperty).verify();
    }
}
