package io.slotstream.availability.topology;

import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.avro.Address;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.HumanName;
import io.slotstream.avro.Position;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.service;
import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reference data is joined, not looked up (design.md "Truth and ordering"): a change of a Location, PractitionerRole,
 * HealthcareService or Practitioner re-emits exactly the published slots whose value it changes.
 */
class ReferenceJoinTest {

    private static final long START = Instant.parse("2026-03-21T14:45:00Z").toEpochMilli();
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(TopologyMetrics.NONE);
        t.locations.pipeInput("loc1", location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06));
        t.locations.pipeInput("loc2", location("loc2", "Harbor Clinic", "Portland", "ME", "04101", 43.66, -70.25));
        t.roles.pipeInput("role1", role("role1", "smith", "loc1", "394802001"));
        t.schedules.pipeInput("sch1", schedule("sch1", List.of("PractitionerRole/role1"), "124", 1));
        t.schedules.pipeInput("sch2", schedule("sch2", List.of("Location/loc2"), "124", 1));
        for (int i = 0; i < 3; i++) {
            t.slots.pipeInput("a" + i, slot("a" + i, "sch1", SlotStatus.FREE, START + i * 900_000L, 10));
            t.slots.pipeInput("b" + i, slot("b" + i, "sch2", SlotStatus.FREE, START + i * 900_000L, 10));
        }
        assertThat(t.drain()).hasSize(6);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void locationChangeReEmitsItsSlotsWithNewStatePositionAndZoneAndLeavesOthersAlone() {
        t.locations.pipeInput("loc1", FhirLocation.newBuilder(location("loc1", "Main St Clinic", "Nashua", "NH", "03060",
                42.76, -71.46)).setTimeZone("America/Chicago").build());

        Map<String, SlotAvailability> out = byKey(t.drain());
        assertThat(out).containsOnlyKeys("a0", "a1", "a2");
        assertThat(out.values()).allSatisfy(a -> {
            assertThat(a.getStates()).containsExactly("NH");
            assertThat(a.getPositions()).containsExactly(Position.newBuilder().setLatitude(42.76).setLongitude(-71.46).build());
            assertThat(a.getTimeZone()).isEqualTo("America/Chicago");
            assertThat(a.getLocationIds()).containsExactly("loc1");
        });
    }

    @Test
    void locationChangeThatNoSlotShowsEmitsNothing() {
        t.locations.pipeInput("loc1", FhirLocation.newBuilder(location("loc1", "Main St Clinic", "Boston", "MA", "02110",
                42.35, -71.06)).setDescription("now with parking").build());

        assertThat(t.drain()).isEmpty();
    }

    @Test
    void directLocationActorNameBecomesTheActorDisplay() {
        t.locations.pipeInput("loc2", location("loc2", "Harbor Health Center", "Portland", "ME", "04101", 43.66, -70.25));

        Map<String, SlotAvailability> out = byKey(t.drain());
        assertThat(out).containsOnlyKeys("b0", "b1", "b2");
        assertThat(out.values()).allSatisfy(a -> assertThat(a.getActors()).extracting(Reference::getDisplay)
                .containsExactly("Harbor Health Center"));
    }

    @Test
    void practitionerRoleChangeReEmitsWithNewDisplayLocationAndSpecialty() {
        FhirPractitionerRole moved = FhirPractitionerRole.newBuilder(role("role1", "smith", "loc2", "419772000"))
                .setPractitioner(Reference.newBuilder().setReference("Practitioner/smith").setDisplay("Dr. Jane Smith").build())
                .build();
        t.roles.pipeInput("role1", moved);

        Map<String, SlotAvailability> out = byKey(t.drain());
        assertThat(out).containsOnlyKeys("a0", "a1", "a2");
        assertThat(out.values()).allSatisfy(a -> {
            assertThat(a.getActors()).extracting(Reference::getDisplay).containsExactly("Dr. Jane Smith");
            assertThat(a.getLocationIds()).containsExactly("loc2");
            assertThat(a.getStates()).containsExactly("ME");
            assertThat(a.getSpecialty()).extracting(c -> c.getCode()).containsExactly("419772000");
        });

        // the role left loc1: a change of loc1 no longer reaches its slots, a change of loc2 reaches both schedules
        t.locations.pipeInput("loc1", location("loc1", "Main St Clinic", "Nashua", "NH", "03060", 42.76, -71.46));
        assertThat(t.drain()).isEmpty();
        t.locations.pipeInput("loc2", location("loc2", "Harbor Clinic", "Bangor", "VT", "04401", 44.8, -68.77));
        assertThat(byKey(t.drain())).containsOnlyKeys("a0", "a1", "a2", "b0", "b1", "b2")
                .allSatisfy((k, a) -> assertThat(a.getStates()).containsExactly("VT"));
    }

    @Test
    void practitionerNameChangeReachesSlotsOfRolesWithoutDisplay() {
        FhirPractitionerRole noDisplay = FhirPractitionerRole.newBuilder(role("role1", "smith", "loc1", "394802001"))
                .setPractitioner(Reference.newBuilder().setReference("Practitioner/smith").build()).build();
        t.roles.pipeInput("role1", noDisplay);
        assertThat(byKey(t.drain()).values()).allSatisfy(a -> assertThat(a.getActors().get(0).getDisplay()).isNull());

        t.practitioners.pipeInput("smith", practitioner("smith", "Jane Smith"));
        assertThat(byKey(t.drain())).containsOnlyKeys("a0", "a1", "a2")
                .allSatisfy((k, a) -> assertThat(a.getActors().get(0).getDisplay()).isEqualTo("Jane Smith"));

        t.practitioners.pipeInput("smith", practitioner("smith", "Jane Smith-Jones"));
        assertThat(byKey(t.drain())).containsOnlyKeys("a0", "a1", "a2")
                .allSatisfy((k, a) -> assertThat(a.getActors().get(0).getDisplay()).isEqualTo("Jane Smith-Jones"));
    }

    @Test
    void lateLocationFixesSlotsPublishedWithoutIt() {
        t.schedules.pipeInput("sch3", schedule("sch3", List.of("Location/loc-late", "HealthcareService/svc1"), "57", 1));
        t.slots.pipeInput("c0", slot("c0", "sch3", SlotStatus.FREE, START, 10));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getLocationIds()).containsExactly("loc-late");
            assertThat(kv.value.getStates()).isEmpty();
            assertThat(kv.value.getTimeZone()).isNull();
        });

        t.locations.pipeInput("loc-late", location("loc-late", "Late Clinic", "Austin", "TX", "73301", 30.27, -97.74));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("c0");
            assertThat(kv.value.getStates()).containsExactly("TX");
            assertThat(kv.value.getTimeZone()).isEqualTo("America/New_York");
            assertThat(kv.value.getActors()).extracting(Reference::getDisplay).containsExactly("Late Clinic", null);
        });

        // a late HealthcareService adds its own location (and its name as the actor display)
        t.services.pipeInput("svc1", service("svc1", "loc1", "57"));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getLocationIds()).containsExactly("loc-late", "loc1");
            assertThat(kv.value.getStates()).containsExactly("TX", "MA");
            assertThat(kv.value.getActors()).extracting(Reference::getDisplay).containsExactly("Late Clinic", "Service svc1");
        });
    }

    @Test
    void locationDeleteRemovesItsDataFromTheSlots() {
        t.locations.pipeInput("loc2", (FhirLocation) null);

        Map<String, SlotAvailability> out = byKey(t.drain());
        assertThat(out).containsOnlyKeys("b0", "b1", "b2");
        assertThat(out.values()).allSatisfy(a -> {
            assertThat(a.getLocationIds()).containsExactly("loc2");
            assertThat(a.getStates()).isEmpty();
            assertThat(a.getPositions()).isEmpty();
        });
    }

    private static FhirPractitioner practitioner(String id, String text) {
        return FhirPractitioner.newBuilder().setId(id)
                .setProvenance(io.slotstream.availability.testing.Fixtures.provenance(id, 1L))
                .setName(List.of(HumanName.newBuilder().setText(text).build())).build();
    }

    private static Map<String, SlotAvailability> byKey(List<KeyValue<String, SlotAvailability>> out) {
        assertThat(out).allSatisfy(kv -> assertThat(kv.value).isNotNull());
        assertThat(out).extracting(kv -> kv.key).doesNotHaveDuplicates();
        return out.stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    @SuppressWarnings("unused")
    private static Address address(String state) {
        return Address.newBuilder().setState(state).build();
    }
}
