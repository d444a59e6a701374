package io.slotstream.availability.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.availability.health.MicrometerTopologyMetrics;
import io.slotstream.availability.health.RestoreMetrics;
import io.slotstream.availability.topology.AvailabilityTopology;
import io.slotstream.availability.topology.TopologyInputs;
import io.slotstream.availability.topology.TopologyMetrics;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.springframework.cloud.stream.binder.kafka.provisioning.AdminClientConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;

import java.util.function.Function;

/**
 * Wires {@link AvailabilityTopology} into the Spring Cloud Stream Kafka Streams binder as the curried function
 * {@code availability} (bindings {@code availability-in-0..6}, {@code availability-out-0}; topics and store names in
 * application.yml). The binder resolves each binding's value serde from the typed {@code Serde<T>} beans below:
 * the registry-backed Apicurio serdes of the topic catalogue, with auto-register off (the stack registers schemas),
 * and plain Avro for the stores the binder materializes from them ({@link CatalogueValueSerde}).
 */
@Configuration(proxyBeanMethods = false)
public class StreamsConfiguration {

    @Bean
    Serde<FhirSlot> fhirSlotSerde(RegistrySettings settings) {
        return topicSerde(Topics.SLOT, settings);
    }

    @Bean
    Serde<BookingEvent> bookingEventSerde(RegistrySettings settings) {
        return topicSerde(Topics.BOOKING_EVENTS, settings);
    }

    @Bean
    Serde<FhirSchedule> fhirScheduleSerde(RegistrySettings settings) {
        return topicSerde(Topics.SCHEDULE, settings);
    }

    @Bean
    Serde<FhirLocation> fhirLocationSerde(RegistrySettings settings) {
        return topicSerde(Topics.LOCATION, settings);
    }

    @Bean
    Serde<FhirPractitionerRole> fhirPractitionerRoleSerde(RegistrySettings settings) {
        return topicSerde(Topics.PRACTITIONER_ROLE, settings);
    }

    @Bean
    Serde<FhirHealthcareService> fhirHealthcareServiceSerde(RegistrySettings settings) {
        return topicSerde(Topics.HEALTHCARE_SERVICE, settings);
    }

    @Bean
    Serde<FhirPractitioner> fhirPractitionerSerde(RegistrySettings settings) {
        return topicSerde(Topics.PRACTITIONER, settings);
    }

    @Bean
    Serde<SlotAvailability> slotAvailabilitySerde(RegistrySettings settings) {
        return topicSerde(Topics.SLOT_AVAILABILITY, settings);
    }

    @Bean
    TopologyMetrics topologyMetrics(MeterRegistry registry) {
        return new MicrometerTopologyMetrics(registry);
    }

    /**
     * Every Streams app of this service: the cluster's client properties ({@code slotstream.kafka.config}:
     * security.protocol, sasl.*, ssl.*), restore progress as metrics (view rebuild events/s, server side) and the
     * Kafka Streams client metrics. Primary: the binder applies only a unique (or primary) configurer, and Spring
     * Boot's Kafka metrics auto-configuration adds a second one (whose metrics listener is included here).
     */
    @Bean
    @Primary
    StreamsBuilderFactoryBeanConfigurer streamsConfigurer(KafkaClientSettings kafka, MeterRegistry registry) {
        return factoryBean -> {
            factoryBean.addListener(new KafkaStreamsMicrometerListener(registry));
            java.util.Properties config = factoryBean.getStreamsConfiguration(); // a copy
            if (config != null) {
                config.putAll(kafka.properties());
                factoryBean.setStreamsConfiguration(config);
            }
            factoryBean.setStateRestoreListener(new RestoreMetrics(registry));
        };
    }

    /** The binder's topic checks use an admin client: it reaches a secured cluster the same way. */
    @Bean
    AdminClientConfigCustomizer clusterAdminConfig(KafkaClientSettings kafka) {
        return config -> config.putAll(kafka.properties());
    }

    @Bean
    AvailabilityTopology availabilityTopology(AvailabilityProperties properties, TopologyMetrics metrics,
                                              RegistrySettings settings) {
        return new AvailabilityTopology(properties.retirementInterval(), properties.slotRetention(), metrics,
                topicSerde(Topics.REFERENCE_AVAILABILITY, settings));
    }

    /** The binder's view of the topology: seven inputs (curried), one output. */
    @Bean
    public Function<KStream<String, FhirSlot>,
            Function<KStream<String, BookingEvent>,
            Function<KTable<String, FhirSchedule>,
            Function<KTable<String, FhirLocation>,
            Function<KTable<String, FhirPractitionerRole>,
            Function<KTable<String, FhirHealthcareService>,
            Function<KTable<String, FhirPractitioner>,
            KStream<String, SlotAvailability>>>>>>>> availability(AvailabilityTopology topology) {
        return slots -> bookings -> schedules -> locations -> roles -> services -> practitioners ->
                topology.build(new TopologyInputs(slots, bookings, schedules, locations, roles, services, practitioners));
    }

    private static <V extends SpecificRecord> Serde<V> topicSerde(Topic<V> topic, RegistrySettings settings) {
        return CatalogueValueSerde.forTopic(topic, settings);
    }
}
