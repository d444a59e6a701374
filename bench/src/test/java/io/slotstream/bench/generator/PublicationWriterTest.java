package io.slotstream.bench.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PublicationWriterTest {

    @Test
    void writesAManifestWhoseFilesHoldEveryResourceWithResolvableReferences(@TempDir Path dir) throws IOException {
        HealthSystem system = new HealthSystem(new GeneratorConfig(SystemSize.SMALL, 3, LocalDate.of(2026, 3, 2)));
        PublicationWriter.Result result = new PublicationWriter(system, "http://example.org/pub").write(dir);

        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(dir.resolve("$bulk-publish").toFile());
        assertThat(manifest.path("request").asText()).isEqualTo("http://example.org/pub/$bulk-publish");
        assertThat(manifest.path("error").isArray()).isTrue();
        Map<String, Long> counted = new HashMap<>();
        Map<String, java.util.Set<String>> ids = new HashMap<>();
        for (JsonNode output : manifest.path("output")) {
            String url = output.path("url").asText();
            Path file = dir.resolve(url.substring(url.lastIndexOf('/') + 1));
            assertThat(file).exists();
            if (output.path("type").asText().equals("Slot")) {
                assertThat(output.path("extension").path("state")).hasSize(1);
            }
            for (String line : Files.readAllLines(file)) {
                JsonNode r = json.readTree(line);
                assertThat(r.path("resourceType").asText()).isEqualTo(output.path("type").asText());
                counted.merge(r.path("resourceType").asText(), 1L, Long::sum);
                ids.computeIfAbsent(r.path("resourceType").asText(), t -> new java.util.HashSet<>()).add(r.path("id").asText());
                if (r.has("schedule")) {
                    assertThat(ids.get("Schedule")).contains(r.path("schedule").path("reference").asText().substring("Schedule/".length()));
                }
            }
        }
        assertThat(counted).isEqualTo(result.resourcesByType());
        assertThat(counted.get("Slot")).isEqualTo(system.countSlots());
        assertThat(counted.keySet()).containsAll(List.of("Location", "Practitioner", "PractitionerRole", "HealthcareService", "Schedule", "Slot"));
    }
}
