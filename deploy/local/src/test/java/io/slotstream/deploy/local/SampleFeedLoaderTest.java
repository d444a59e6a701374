package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped sample feeds read as the publications they are, in manifest order. */
class SampleFeedLoaderTest {

    private static final Path FEEDS = Path.of("sample-feeds");

    @Test
    void readsThe2021PublicationFromItsManifest() {
        Map<String, List<JsonNode>> byType = new SampleFeedLoader("http://127.0.0.1:1").readPublication(FEEDS.resolve("ssl-2021-smart-on-fhir"));
        assertThat(byType.keySet()).containsExactly("Location", "Schedule", "Slot");
        assertThat(byType.get("Location")).hasSize(10);
        assertThat(byType.get("Schedule")).hasSize(10);
        assertThat(byType.get("Slot")).hasSize(300);
        assertThat(byType.get("Slot").get(0).path("id").asText()).isEqualTo("20");
    }

    @Test
    void readsThe2026DraftIncludingTypesThatAreNotIngested() {
        Map<String, List<JsonNode>> byType = new SampleFeedLoader("http://127.0.0.1:1").readPublication(FEEDS.resolve("ssl-2026-culby-draft"));
        assertThat(byType).containsKeys("Location", "Device", "Schedule", "PractitionerRole", "Slot");
        assertThat(byType.get("Device")).hasSize(5);
        assertThat(byType.get("PractitionerRole")).hasSize(10);
        assertThat(byType.get("Slot")).hasSize(11_563);
    }
}
