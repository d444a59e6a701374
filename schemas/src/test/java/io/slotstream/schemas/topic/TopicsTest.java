package io.slotstream.schemas.topic;

import io.slotstream.avro.AuditEvent;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.FeedSubscription;
import io.slotstream.avro.FhirAppointment;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.ReferenceAvailability;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.UpstreamForward;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The catalogue matches design.md's "Topic catalogue (v1)". */
class TopicsTest {

    @Test
    void catalogueHasEveryTopicOfTheDesignWithItsValueType() {
        assertThat(Topics.all()).extracting(Topic::name, Topic::valueClass).containsExactly(
                tuple("fhir.location.v1", FhirLocation.class),
                tuple("fhir.schedule.v1", FhirSchedule.class),
                tuple("fhir.slot.v1", FhirSlot.class),
                tuple("fhir.practitioner-role.v1", FhirPractitionerRole.class),
                tuple("fhir.practitioner.v1", FhirPractitioner.class),
                tuple("fhir.healthcare-service.v1", FhirHealthcareService.class),
                tuple("booking.requests.v1", BookingRequest.class),
                tuple("booking.events.v1", BookingEvent.class),
                tuple("appointment.v1", FhirAppointment.class),
                tuple("booking.upstream-forwards.v1", UpstreamForward.class),
                tuple("slot.availability.v1", SlotAvailability.class),
                tuple("reference.availability.v1", ReferenceAvailability.class),
                tuple("ingest.dead-letter.v1", DeadLetter.class),
                tuple("ingest.feeds.v1", FeedSubscription.class),
                tuple("audit.events.v1", AuditEvent.class));
    }

    @Test
    void namesAndValueTypesAreUnique() {
        assertThat(Topics.all()).extracting(Topic::name).doesNotHaveDuplicates();
        assertThat(Topics.all()).extracting(Topic::valueClass).doesNotHaveDuplicates();
    }

    @Test
    void cleanupPoliciesAndRetentionFollowTheDesign() {
        for (Topic<?> topic : List.of(Topics.LOCATION, Topics.SCHEDULE, Topics.SLOT, Topics.PRACTITIONER_ROLE,
                Topics.PRACTITIONER, Topics.HEALTHCARE_SERVICE, Topics.APPOINTMENT, Topics.UPSTREAM_FORWARDS, Topics.SLOT_AVAILABILITY)) {
            assertThat(topic.cleanupPolicy()).as(topic.name()).isEqualTo(CleanupPolicy.COMPACT);
            assertThat(topic.retentionMs()).as(topic.name()).isEqualTo(-1);
        }
        assertThat(Topics.BOOKING_EVENTS.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(Topics.BOOKING_EVENTS.retentionMs()).isEqualTo(Duration.ofDays(30).toMillis());
        assertThat(Topics.BOOKING_REQUESTS.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(Topics.BOOKING_REQUESTS.retentionMs()).isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(Topics.DEAD_LETTER.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(Topics.DEAD_LETTER.retentionMs()).isEqualTo(Duration.ofDays(14).toMillis());
        assertThat(Topics.AUDIT_EVENTS.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(Topics.AUDIT_EVENTS.retentionMs()).isEqualTo(Duration.ofDays(365).toMillis());
    }

    @Test
    void slotKeyedTopicsAreCoPartitioned() {
        assertThat(List.of(Topics.SLOT, Topics.BOOKING_EVENTS, Topics.SLOT_AVAILABILITY))
                .extracting(Topic::partitions).containsOnly(Topics.PARTITIONS);
        assertThat(Topics.PARTITIONS).isEqualTo(6);
        assertThat(Topics.DEAD_LETTER.keyDescription()).contains("source id");
        assertThat(Topics.BOOKING_EVENTS.keyDescription()).contains("Slot id");
        // multi-slot appointments: requests are routed by Schedule so that one owner decides all their slots
        assertThat(Topics.BOOKING_REQUESTS.keyDescription()).contains("Schedule id");
        assertThat(Topics.BOOKING_REQUESTS.partitions()).isEqualTo(Topics.PARTITIONS);
    }

    @Test
    void compactedTopicConfigsKeepTombstonesAndNeverExpire() {
        assertThat(Topics.SLOT_AVAILABILITY.topicConfigs()).containsExactly(
                entry("cleanup.policy", "compact"),
                entry("retention.ms", "-1"),
                entry("min.compaction.lag.ms", "60000"),
                entry("delete.retention.ms", "604800000"));
    }

    @Test
    void deleteTopicConfigsCarryTheRetention() {
        assertThat(Topics.BOOKING_EVENTS.topicConfigs()).containsExactly(
                entry("cleanup.policy", "delete"),
                entry("retention.ms", "2592000000"));
    }

    @Test
    void newTopicCarriesNamePartitionsReplicationAndConfigs() {
        NewTopic newTopic = Topics.DEAD_LETTER.newTopic((short) 1);

        assertThat(newTopic.name()).isEqualTo("ingest.dead-letter.v1");
        assertThat(newTopic.numPartitions()).isEqualTo(6);
        assertThat(newTopic.replicationFactor()).isEqualTo((short) 1);
        assertThat(newTopic.configs()).isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", "1209600000"));
        assertThatThrownBy(() -> Topics.SLOT.newTopic((short) 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byNameFindsCatalogueTopicsOnly() {
        assertThat(Topics.byName("fhir.slot.v1")).contains(Topics.SLOT);
        assertThat(Topics.byName("fhir.slot.v2")).isEmpty();
    }

    @Test
    void inconsistentTopicsAreRejected() {
        assertThatThrownBy(() -> new Topic<>("a b", FhirSlot.class, "k", 1, CleanupPolicy.COMPACT, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a b");
        assertThatThrownBy(() -> new Topic<>("t", FhirSlot.class, "k", 1, CleanupPolicy.COMPACT, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retentionMs -1");
        assertThatThrownBy(() -> new Topic<>("t", FhirSlot.class, "k", 1, CleanupPolicy.DELETE, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Topic<>("t", FhirSlot.class, "k", 0, CleanupPolicy.DELETE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
