package io.slotstream.booking;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** booking-bridge: deep links, holds and bookings (IHE ITI Scheduling), reconciled into booking.events.v1. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BookingBridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(BookingBridgeApplication.class, args);
    }
}
