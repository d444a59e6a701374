package io.slotstream.schemas.compat;

import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The build-time BACKWARD_TRANSITIVE gate: every topic value schema as it is now must read data written with every
 * released version (src/main/released-schemas/&lt;Record&gt;/vN.avsc), and every topic value record must have been
 * released (v1 at least), so no schema reaches a registry without passing this gate first.
 */
class SchemaCompatibilityTest {

    @TestFactory
    Stream<DynamicTest> everyTopicSchemaReadsEveryReleasedVersion() {
        return Topics.all().stream().map(topic -> dynamicTest(topic.name(), () -> {
            Schema current = SpecificData.get().getSchema(topic.valueClass());
            assertThat(BackwardTransitiveCheck.releasedVersions(current.getName()))
                    .as("released versions of %s", current.getName()).isNotEmpty();
            assertThat(BackwardTransitiveCheck.checkAgainstReleased(current)).as(current.getName()).isEmpty();
        }));
    }

    @Test
    void everyReleasedFolderBelongsToATopicRecordAndHasNoGaps() throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getResource("/" + BackwardTransitiveCheck.RELEASED_ROOT).toURI());
        List<String> topicRecords = Topics.all().stream().map(Topic::valueClass).map(Class::getSimpleName).toList();
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                String record = folder.getFileName().toString();
                assertThat(topicRecords).as("released folder %s", record).contains(record);
                try (Stream<Path> files = Files.list(folder)) {
                    long count = files.filter(f -> f.getFileName().toString().matches("v\\d+\\.avsc")).count();
                    assertThat(BackwardTransitiveCheck.releasedVersions(record)).as("v1..v%d of %s without gaps", count, record)
                            .hasSize((int) count);
                }
            }
        }
    }

    /**
     * Writes each topic record's current schema to target/current-schemas/&lt;Record&gt;.avsc: the file to copy to
     * src/main/released-schemas/&lt;Record&gt;/vN.avsc when releasing (see the README there).
     */
    @Test
    void currentSchemasAreWrittenForRelease() throws IOException {
        Path out = Path.of("target", "current-schemas");
        Files.createDirectories(out);
        for (Topic<?> topic : Topics.all()) {
            Schema current = SpecificData.get().getSchema(topic.valueClass());
            Path file = out.resolve(current.getName() + ".avsc");
            Files.writeString(file, SchemaFormatter.format("json/pretty", current) + "\n");
            assertThat(new Schema.Parser().parse(file.toFile())).isEqualTo(current);
        }
    }

    @Test
    void releasedSchemasParseToTheirRecordName() {
        for (Topic<?> topic : Topics.all()) {
            String name = topic.valueClass().getSimpleName();
            assertThat(BackwardTransitiveCheck.releasedVersions(name)).allSatisfy(schema ->
                    assertThat(schema.getFullName()).isEqualTo(topic.valueClass().getName()));
        }
    }
}
