package io.slotstream.publish.conformance;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.publish.StackTestSupport;
import io.slotstream.publish.fixtures.ExampleFeed;
import io.slotstream.schemas.topic.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6 item 5: the whole publication of realistic records (the 2026 draft feed, mapped as the upstream services
 * would write it, through the real broker and registry) passes the conformance checker with zero violations.
 */
class ExamplePublicationConformanceIntegrationTest extends StackTestSupport {

    @Test
    void theExampleFeedsPublicationHasNoViolations() {
        ExampleFeed feed = ExampleFeed.load();
        assertThat(feed.slots).hasSizeGreaterThan(11_000);
        produce(Topics.REFERENCE_AVAILABILITY, feed.references);
        produce(Topics.SLOT_AVAILABILITY, feed.slots);
        await(resources -> feed.slots.keySet().stream().allMatch(id -> resources.containsKey("Slot/" + id))
                && resources.containsKey("PractitionerRole/9"));

        ConformanceReport report = new PublicationConformance(FhirContext.forR4Cached())
                .check(base() + "/$bulk-publish", PublicationConformance.overHttp());

        assertThat(report.violations()).isEmpty();
        assertThat(report.resourcesByType().get("Slot")).isGreaterThanOrEqualTo(feed.slots.size());
        assertThat(report.resourcesByType().get("Location")).isGreaterThanOrEqualTo(feed.locations.size());
        assertThat(report.resourcesByType().get("Schedule")).isGreaterThanOrEqualTo(feed.schedules.size());
        assertThat(report.resourcesByType().get("PractitionerRole")).isGreaterThanOrEqualTo(feed.roles.size());
        assertThat(report.slotsByStatus().get("busy")).as("busy slots are published too").isGreaterThan(1000);
        assertThat(report.slotsByStatus().get("free")).isGreaterThan(9000);
    }
}
