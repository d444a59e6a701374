package io.slotstream.booking;

import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * booking-bridge: IHE ITI Scheduling ($find, $hold, $book, Appointment search) at /fhir. Writes booking requests to
 * booking.requests.v1 and answers from the decisions on booking.events.v1 (availability-service decides).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BookingBridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(BookingBridgeApplication.class, args);
    }

    /** Refuses to start without the broker, the catalogue topics and the registry: one line names what is missing. */
    @Bean
    ApplicationRunner stackPreflight(Environment environment) {
        return args -> StackPreflight.fromSettings(environment::getProperty).verify();
    }
}
