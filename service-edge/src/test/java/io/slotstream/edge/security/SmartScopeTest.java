package io.slotstream.edge.security;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SmartScopeTest {

    private static final Set<String> SYSTEM = Set.of("system");

    @Test
    void v2LettersGrantExactlyThoseInteractions() {
        SmartScope scope = SmartScope.parse("system/Slot.cud").orElseThrow();
        assertThat(scope.grants("Slot", 'c', SYSTEM)).isTrue();
        assertThat(scope.grants("Slot", 'd', SYSTEM)).isTrue();
        assertThat(scope.grants("Slot", 'r', SYSTEM)).isFalse();
        assertThat(scope.grants("Schedule", 'c', SYSTEM)).isFalse();
        assertThat(scope.grants("Slot", 'c', Set.of("patient", "user"))).isFalse();
    }

    @Test
    void v1NamesAndWildcardsMapToV2Letters() {
        assertThat(SmartScope.parse("patient/Appointment.read").orElseThrow().permissions()).containsExactlyInAnyOrder('r', 's');
        assertThat(SmartScope.parse("user/Appointment.write").orElseThrow().permissions()).containsExactlyInAnyOrder('c', 'u', 'd');
        SmartScope all = SmartScope.parse("system/*.*").orElseThrow();
        assertThat(all.grants("Feed", 's', SYSTEM)).isTrue();
    }

    @Test
    void nonClinicalAndGranularScopesGrantNothing() {
        assertThat(SmartScope.parse("openid")).isEmpty();
        assertThat(SmartScope.parse("launch/patient")).isEmpty();
        assertThat(SmartScope.parse("patient/Observation.rs?category=laboratory")).isEmpty();
        assertThat(SmartScope.parse("system/Slot.xyz")).isEmpty();
    }
}
