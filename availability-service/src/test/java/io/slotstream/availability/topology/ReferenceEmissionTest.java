package io.slotstream.availability.topology;

import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.HumanName;
import io.slotstream.avro.ReferenceAvailability;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The view emits the reference resources of the publication to reference.availability.v1 as it applied them, each
 * with its states, once per change that alters them (ReferenceEmitter).
 */
class ReferenceEmissionTest {

    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(TopologyMetrics.NONE);
        t.locations.pipeInput("loc1", location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06));
        t.locations.pipeInput("loc2", location("loc2", "Harbor Clinic", "Portland", "ME", "04101", 43.66, -70.25));
        t.roles.pipeInput("role1", role("role1", "smith", "loc1", "394802001"));
        t.services.pipeInput("svc1", service("svc1", "loc2", "57"));
        t.schedules.pipeInput("sch1", schedule("sch1", List.of("PractitionerRole/role1"), "124", 1));
        t.schedules.pipeInput("sch2", schedule("sch2", List.of("Location/loc2"), "124", 1));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void emitsEveryPublishedReferenceWithItsStates() {
        assertThat(t.references.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.getStates(), kv -> kv.value.getResource().getClass().getSimpleName())
                .containsExactly(
                        tuple("Location/loc1", List.of("MA"), "FhirLocation"),
                        tuple("Location/loc2", List.of("ME"), "FhirLocation"),
                        tuple("PractitionerRole/role1", List.of("MA"), "FhirPractitionerRole"),
                        tuple("HealthcareService/svc1", List.of("ME"), "FhirHealthcareService"),
                        tuple("Schedule/sch1", List.of("MA"), "FhirSchedule"),
                        tuple("Schedule/sch2", List.of("ME"), "FhirSchedule"));
    }

    @Test
    void locationChangeReEmitsTheLocationOnceAndNothingWhoseStatesStay() {
        t.references.readKeyValuesToList();
        FhirLocation changed = FhirLocation.newBuilder(location("loc1", "Main St Clinic", "Boston", "MA", "02110",
                42.35, -71.06)).setDescription("now with parking").build();

        t.locations.pipeInput("loc1", changed);

        List<KeyValue<String, ReferenceAvailability>> out = t.references.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("Location/loc1");
        assertThat(out.get(0).value.getResource()).isEqualTo(changed);
        assertThat(out.get(0).value.getStates()).containsExactly("MA");
    }

    @Test
    void locationMovingStateReEmitsItAndTheRolesAndSchedulesAtItOnceEach() {
        t.references.readKeyValuesToList();

        t.locations.pipeInput("loc1", location("loc1", "Main St Clinic", "Nashua", "NH", "03060", 42.76, -71.46));

        assertThat(t.references.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.getStates())
                .containsExactlyInAnyOrder(
                        tuple("Location/loc1", List.of("NH")),
                        tuple("PractitionerRole/role1", List.of("NH")),
                        tuple("Schedule/sch1", List.of("NH")));
    }

    @Test
    void deletedLocationIsTombstonedOnceAndItsDependentsLoseItsState() {
        t.references.readKeyValuesToList();

        t.locations.pipeInput("loc2", (FhirLocation) null);
        t.locations.pipeInput("loc2", (FhirLocation) null);

        List<KeyValue<String, ReferenceAvailability>> out = t.references.readKeyValuesToList();
        assertThat(out).filteredOn(kv -> kv.value == null).extracting(kv -> kv.key).containsExactly("Location/loc2");
        assertThat(out).filteredOn(kv -> kv.value != null).extracting(kv -> kv.key, kv -> kv.value.getStates())
                .containsExactlyInAnyOrder(
                        tuple("HealthcareService/svc1", List.of()),
                        tuple("Schedule/sch2", List.of()));
    }

    @Test
    void deletedScheduleIsTombstonedAndAScheduleChangeIsEmittedAsApplied() {
        t.references.readKeyValuesToList();
        FhirSchedule changed = FhirSchedule.newBuilder(schedule("sch2", List.of("Location/loc2"), "124", 2))
                .setComment("new hours").build();

        t.schedules.pipeInput("sch2", changed);
        t.schedules.pipeInput("sch1", (FhirSchedule) null);

        List<KeyValue<String, ReferenceAvailability>> out = t.references.readKeyValuesToList();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).key).isEqualTo("Schedule/sch2");
        assertThat(out.get(0).value.getResource()).isEqualTo(changed);
        assertThat(out.get(1).key).isEqualTo("Schedule/sch1");
        assertThat(out.get(1).value).isNull();
    }

    @Test
    void practitionersAreNotPublished() {
        t.references.readKeyValuesToList();

        t.practitioners.pipeInput("smith", FhirPractitioner.newBuilder()
                .setId("smith").setProvenance(io.slotstream.availability.testing.Fixtures.provenance("smith", 1))
                .setName(List.of(HumanName.newBuilder().setText("Dr. Smith").build())).build());

        assertThat(t.references.readKeyValuesToList()).isEmpty();
    }
}
