package io.slotstream.provisioning;

import io.slotstream.provisioning.topic.Finding;
import io.slotstream.provisioning.topic.TopicComparison;
import io.slotstream.provisioning.topic.TopicSettings;
import io.slotstream.provisioning.topic.TopicSpec;
import io.slotstream.schemas.topic.Topics;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicComparisonTest {

    private final TopicSettings production = new TopicSettings((short) 3, 2, OptionalInt.empty());

    @Test
    void everyCatalogueTopicGetsItsOwnConfigsPlusMinInsyncReplicasAndTheCataloguePartitions() {
        for (var topic : Topics.all()) {
            TopicSpec spec = production.specOf(topic);
            assertThat(spec.partitions()).isEqualTo(topic.partitions());
            assertThat(spec.replicationFactor()).isEqualTo((short) 3);
            assertThat(spec.configs()).containsAllEntriesOf(topic.topicConfigs()).containsEntry("min.insync.replicas", "2");
        }
        assertThat(new TopicSettings((short) 3, 2, OptionalInt.of(24)).specOf(Topics.SLOT).partitions()).isEqualTo(24);
    }

    @Test
    void aTopicAsDesiredHasNoFindings() {
        TopicSpec want = production.specOf(Topics.SLOT);
        assertThat(TopicComparison.compare(want, Optional.of(want))).isEmpty();
    }

    @Test
    void aMissingTopicIsFixable() {
        assertThat(TopicComparison.compare(production.specOf(Topics.SLOT), Optional.empty()))
                .singleElement().satisfies(f -> {
                    assertThat(f.kind()).isEqualTo(Finding.Kind.MISSING);
                    assertThat(f.kind().fixable()).isTrue();
                });
    }

    @Test
    void partitionsReplicationAndCleanupPolicyAreRefusedOtherConfigsFixed() {
        TopicSpec want = production.specOf(Topics.BOOKING_EVENTS);
        Map<String, String> configs = new HashMap<>(want.configs());
        configs.put("cleanup.policy", "compact");
        configs.put("retention.ms", "1");
        TopicSpec is = new TopicSpec(want.name(), want.partitions() + 2, (short) 1, configs);

        var findings = TopicComparison.compare(want, Optional.of(is));

        assertThat(findings).extracting(Finding::kind).containsExactly(Finding.Kind.PARTITIONS,
                Finding.Kind.REPLICATION_FACTOR, Finding.Kind.CLEANUP_POLICY, Finding.Kind.CONFIG);
        assertThat(findings).extracting(f -> f.kind().fixable()).containsExactly(false, false, false, true);
        assertThat(findings.get(0).message()).isEqualTo("topic booking.events.v1 has 8 partitions, the catalogue wants 6: "
                + "refused, shrinking is impossible in Kafka");
        assertThat(findings.get(3).setting()).isEqualTo("retention.ms");
    }

    @Test
    void settingsRejectAMinInsyncReplicasAboveTheReplicationFactor() {
        assertThatThrownBy(() -> new TopicSettings((short) 1, 2, OptionalInt.empty()))
                .hasMessage("min.insync.replicas must be between 1 and the replication factor (1), was 2");
        assertThatThrownBy(() -> new TopicSettings((short) 3, 2, OptionalInt.of(0)))
                .hasMessage("partitions must be >= 1, was 0");
    }
}
