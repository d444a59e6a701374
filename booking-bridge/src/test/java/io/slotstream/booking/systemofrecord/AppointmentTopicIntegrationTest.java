package io.slotstream.booking.systemofrecord;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.avro.FhirAppointment;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.Appointment;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * appointment.v1 against the real broker and registry (SharedStack): decisions written to booking.events.v1 (standing
 * in for availability-service's decision point) come back from appointment.v1 as Avro records read through the
 * registry, one per change, only for sources without an upstream EHR and only once booked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AppointmentTopicIntegrationTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SOR = "sor" + RUN;      // no upstream: Slotstream is the system of record
    static final String UPSTREAM = "ehr" + RUN; // has an upstream EHR

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        LocalStack stack = SharedStack.get();
        registry.add("slotstream.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("slotstream.registry.url", stack::registryApiUrl);
        registry.add("slotstream.booking.sources." + UPSTREAM + ".upstream-url", () -> "http://127.0.0.1:9/fhir");
    }

    @Autowired
    AppointmentTopicWriter writer;

    @Test
    void bookedAppointmentsOfSystemOfRecordSourcesAreWrittenAndEveryChangeFollows() throws Exception {
        LocalStack stack = SharedStack.get();
        RegistrySettings registry = new RegistrySettings(stack.registryApiUrl(), false);
        String booked = "appt-" + RUN;
        String holdOnly = "hold-" + RUN;
        String upstream = "up-" + RUN;
        long t = Instant.now().toEpochMilli();
        try (KafkaProducer<String, BookingEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), TopicSerdes.valueSerde(Topics.BOOKING_EVENTS, registry).serializer())) {
            // one slot key for all: one partition, so the decisions reach the view in this order
            String key = SOR + ".slot-1";
            for (BookingEvent e : List.of(
                    event(holdOnly, SOR, BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, t),
                    event(holdOnly, SOR, BookingEventType.HOLD_RELEASED, BookingRequestType.RELEASE, t + 1),
                    event(upstream, UPSTREAM, BookingEventType.BOOKED, BookingRequestType.BOOK, t + 2),
                    event(booked, SOR, BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, t + 3),
                    // a two-slot booking: two events of one decision, one record
                    event(booked, SOR, BookingEventType.BOOKED, BookingRequestType.BOOK, t + 4),
                    event(booked, SOR, BookingEventType.BOOKED, BookingRequestType.BOOK, t + 4))) {
                producer.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), key, e)).get();
            }
            List<FhirAppointment> records = new ArrayList<>();
            try (KafkaConsumer<String, FhirAppointment> consumer = appointmentConsumer(stack, registry)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    poll(consumer, Set.of(booked, holdOnly, upstream), records);
                    return !records.isEmpty();
                });
                assertThat(records).singleElement().satisfies(r -> {
                    assertThat(r.getId()).isEqualTo(booked);
                    assertThat(r.getStatus()).isEqualTo("booked");
                    assertThat(r.getPatient()).isEqualTo("Patient/p-" + RUN);
                    assertThat(r.getSlots()).containsExactly("Slot/" + SOR + ".slot-1", "Slot/" + SOR + ".slot-2");
                    assertThat(r.getProvenance().getSource()).isEqualTo(SOR);
                    assertThat(r.getProvenance().getEventTime()).isEqualTo(Instant.ofEpochMilli(t + 4));
                    Appointment fhir = FhirContext.forR4Cached().newJsonParser().parseResource(Appointment.class, r.getFhirJson());
                    assertThat(fhir.getIdPart()).isEqualTo(booked);
                    assertThat(fhir.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
                });

                producer.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), key,
                        event(booked, SOR, BookingEventType.CANCELLED, BookingRequestType.CANCEL, t + 5))).get();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    poll(consumer, Set.of(booked, holdOnly, upstream), records);
                    return records.size() >= 2;
                });
                // the hold and the upstream source's booking were decided before the cancellation: never written
                assertThat(records).extracting(FhirAppointment::getId, FhirAppointment::getStatus)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(booked, "booked"),
                                org.assertj.core.groups.Tuple.tuple(booked, "cancelled"));
            }
        }
        assertThat(writer.writing()).isNotEmpty();
    }

    private static BookingEvent event(String appointment, String source, BookingEventType type,
                                      BookingRequestType request, long time) {
        return BookingEvent.newBuilder().setEventId(appointment + ":" + type + ":" + time).setSlotId(source + ".slot-1")
                .setType(type).setAppointmentId(appointment).setEventTime(Instant.ofEpochMilli(time))
                .setSource("test").setRequestId("r-" + appointment + "-" + time).setRequestType(request)
                .setScheduleId(source + ".sched").setSlotIds(List.of(source + ".slot-1", source + ".slot-2"))
                .setPatientReference("Patient/p-" + RUN).setAppointmentStart(Instant.ofEpochMilli(time + 86_400_000))
                .setAppointmentEnd(Instant.ofEpochMilli(time + 86_400_000 + 1_800_000)).build();
    }

    private static KafkaConsumer<String, FhirAppointment> appointmentConsumer(LocalStack stack, RegistrySettings registry) {
        KafkaConsumer<String, FhirAppointment> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), TopicSerdes.valueSerde(Topics.APPOINTMENT, registry).deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.APPOINTMENT.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void poll(KafkaConsumer<String, FhirAppointment> consumer, Set<String> ids, List<FhirAppointment> into) {
        for (ConsumerRecord<String, FhirAppointment> r : consumer.poll(Duration.ofMillis(200))) {
            if (ids.contains(r.key())) {
                assertThat(r.value().getId()).isEqualTo(r.key());
                into.add(r.value());
            }
        }
    }
}
