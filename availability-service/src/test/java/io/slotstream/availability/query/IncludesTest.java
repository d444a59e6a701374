package io.slotstream.availability.query;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing of _include, _include:iterate and _revinclude against the supported values (SearchParams). */
class IncludesTest {

    @Test
    void untypedValuesTakeEveryTargetTypedOnesRestrict() {
        Includes all = Includes.parse("Schedule", Map.of("_include", new String[]{"Schedule:actor"},
                "_revinclude", new String[]{"Slot:schedule"}));
        assertThat(all.include("Schedule:actor")).containsExactly("Location", "PractitionerRole", "HealthcareService");
        assertThat(all.revinclude("Slot:schedule")).isTrue();

        Includes typed = Includes.parse("Schedule", Map.of("_include",
                new String[]{"Schedule:actor:Location", "Schedule:actor:HealthcareService"}));
        assertThat(typed.include("Schedule:actor")).isEqualTo(Set.of("Location", "HealthcareService"));
        assertThat(typed.revinclude("Slot:schedule")).isFalse();

        Includes slot = Includes.parse("Slot", Map.of("_include", new String[]{"Slot:schedule"},
                "_include:iterate", new String[]{"Schedule:actor:PractitionerRole"}));
        assertThat(slot.include("Slot:schedule")).containsExactly("Schedule");
        assertThat(slot.iterate("Schedule:actor")).containsExactly("PractitionerRole");
        assertThat(Includes.parse("Location", Map.of("_revinclude", new String[]{"Schedule:actor:Location"}))
                .revinclude("Schedule:actor")).isTrue();
    }

    @Test
    void unsupportedValuesNameTheParameter() {
        assertThatThrownBy(() -> Includes.parse("Location", Map.of("_revinclude", new String[]{"Slot:schedule"})))
                .isInstanceOf(SearchException.class).hasMessageContaining("Schedule:actor")
                .extracting(e -> ((SearchException) e).expression()).isEqualTo("Location?_revinclude");
        assertThatThrownBy(() -> Includes.parse("PractitionerRole",
                Map.of("_revinclude", new String[]{"Schedule:actor:Location"})))
                .extracting(e -> ((SearchException) e).expression()).isEqualTo("PractitionerRole?_revinclude");
        assertThatThrownBy(() -> Includes.parse("Slot", Map.of("_revinclude", new String[]{"Appointment:slot"})))
                .hasMessageContaining("supports no _revinclude");
        assertThatThrownBy(() -> Includes.parse("Schedule", Map.of("_include", new String[]{"Schedule:actor,Slot:schedule"})))
                .extracting(e -> ((SearchException) e).expression()).isEqualTo("Schedule?_include");
        assertThatThrownBy(() -> Includes.parse("Slot", Map.of("_include:iterate", new String[]{"Schedule:actor"})))
                .extracting(e -> ((SearchException) e).expression()).isEqualTo("Slot?_include:iterate");
    }

    @Test
    void includeParametersAreNotSearchParameters() {
        Map<String, String[]> params = Map.of("schedule", new String[]{"a"}, "_include", new String[]{"Slot:schedule"},
                "_include:iterate", new String[]{"Schedule:actor"}, "_revinclude", new String[]{"x"});
        assertThat(SearchService.withoutControl(params)).containsOnlyKeys("schedule");
    }
}
