package io.slotstream.ingest;

import io.slotstream.deploy.local.SampleFeedLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every resource of the two example publications loads through the REST intake in transaction Bundles of 100
 * (Device skipped: not an accepted type), with the loader the main job uses, and reads back normalised.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class ExampleFeedsIntegrationTest extends IntakeTestSupport {

    /** The copies of the example publications that the main job ships. */
    private static final Path FEEDS = Path.of("..", "deploy", "local", "sample-feeds");

    @Test
    void the2021AndThe2026PublicationsLoadCompletely() throws Exception {
        SampleFeedLoader loader = new SampleFeedLoader(url(""));

        String src2021 = newSource();
        SampleFeedLoader.Result r2021 = loader.load(FEEDS.resolve("ssl-2021-smart-on-fhir"), src2021);
        assertThat(r2021.loaded()).isEqualTo(Map.of("Location", 10, "Schedule", 10, "Slot", 300));
        assertThat(r2021.skipped()).isEmpty();

        String src2026 = newSource();
        SampleFeedLoader.Result r2026 = loader.load(FEEDS.resolve("ssl-2026-culby-draft"), src2026);
        assertThat(r2026.loaded()).isEqualTo(Map.of("Location", 20, "PractitionerRole", 10, "Schedule", 25, "Slot", 11_563));
        assertThat(r2026.skipped()).isEqualTo(Map.of("Device", 5));

        String slot = get("/fhir/Slot/35", src2026).body();
        assertThat(slot).contains("\"id\":\"" + src2026 + ".35\"")
                .contains("http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone")
                .contains("\"valueContactPoint\":{\"system\":\"phone\",\"value\":\"000-000-0000\"}")
                .contains("\"code\":\"newpt\"")
                .doesNotContain("fhir-registry.smarthealthit.org/StructureDefinition/booking");
        assertThat(get("/fhir/Schedule/10", src2021).body()).contains("\"reference\":\"Location/" + src2021 + ".0\"");
        assertThat(get("/fhir/PractitionerRole/0", src2026).statusCode()).isEqualTo(200);
    }
}
