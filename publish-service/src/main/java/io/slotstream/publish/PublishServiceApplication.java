package io.slotstream.publish;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** publish-service: the SMART Scheduling Links bulk publication ($bulk-publish + NDJSON). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PublishServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PublishServiceApplication.class, args);
    }
}
