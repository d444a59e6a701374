package io.slotstream.schemas.identity;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalIdTest {

    @Test
    void validShortIdsArePrefixedWithTheSource() {
        assertThat(CanonicalId.of("ehr-1", "slot-42")).isEqualTo("ehr-1.slot-42");
        assertThat(CanonicalId.of("culby", "0")).isEqualTo("culby.0");
        assertThat(CanonicalId.of("a", "x.y")).isEqualTo("a.x.y");
    }

    @Test
    void invalidOrLongIdsAreHashedToExactly64ValidCharacters() {
        String invalid = CanonicalId.of("ehr", "slot_42/with spaces");
        String longId = CanonicalId.of("a-rather-long-source-identifier", "x".repeat(40));

        for (String id : List.of(invalid, longId)) {
            assertThat(id).hasSize(64);
            assertThat(CanonicalId.isValidFhirId(id)).as(id).isTrue();
        }
        assertThat(invalid).startsWith("ehr.").matches("ehr\\.[0-9a-f]{60}");
        assertThat(longId).startsWith("a-rather-long-source-identifier.");
    }

    @Test
    void sameInputSameIdAndTheLengthBoundaryIsHashed() {
        assertThat(CanonicalId.of("ehr", "slot_1")).isEqualTo(CanonicalId.of("ehr", "slot_1"));
        String fits63 = "y".repeat(63 - "src.".length());
        assertThat(CanonicalId.of("src", fits63)).isEqualTo("src." + fits63);
        // 64 characters are reserved for hashed ids, so a direct id can never equal a hashed one.
        String would64 = "y".repeat(64 - "src.".length());
        assertThat(CanonicalId.of("src", would64)).hasSize(64).isNotEqualTo("src." + would64);
    }

    @Test
    void sourceAndResourceCannotBeShuffledIntoTheSameId() {
        // "a" + "b.c" vs "a.b" + "c": the second is refused because a source id has no dot.
        assertThat(CanonicalId.of("a", "b.c")).isEqualTo("a.b.c");
        assertThatThrownBy(() -> CanonicalId.of("a.b", "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[A-Za-z0-9-]{1,32}");
    }

    @Test
    void idsAreUniqueAcrossSourcesAndResources() {
        Set<String> ids = new HashSet<>();
        List<String> sources = List.of("a", "b", "ab", "a-b", "x".repeat(32));
        List<String> resources = List.of("1", "12", "b.1", "1.b", "slot_1", "slot 1", "z".repeat(60), "z".repeat(61),
                "Z".repeat(64), "ü", "-", ".");
        for (String source : sources) {
            for (String resource : resources) {
                String id = CanonicalId.of(source, resource);
                assertThat(CanonicalId.isValidFhirId(id)).as(id).isTrue();
                assertThat(ids.add(id)).as("duplicate %s for %s/%s", id, source, resource).isTrue();
            }
        }
        assertThat(ids).hasSize(sources.size() * resources.size());
    }

    @Test
    void badSourceOrEmptyResourceIdIsRejected() {
        assertThatThrownBy(() -> CanonicalId.of("", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalId.of("x".repeat(33), "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalId.of("bad_source", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad_source");
        assertThatThrownBy(() -> CanonicalId.of(null, "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalId.of("ehr", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalId.of("ehr", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fhirIdRule() {
        assertThat(CanonicalId.isValidFhirId("a-B.9")).isTrue();
        assertThat(CanonicalId.isValidFhirId("x".repeat(64))).isTrue();
        assertThat(CanonicalId.isValidFhirId("x".repeat(65))).isFalse();
        assertThat(CanonicalId.isValidFhirId("a_b")).isFalse();
        assertThat(CanonicalId.isValidFhirId("")).isFalse();
        assertThat(CanonicalId.isValidFhirId(null)).isFalse();
    }
}
