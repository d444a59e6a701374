package io.slotstream.schemas.compat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The BACKWARD_TRANSITIVE rule that the registry enforces (design.md, "Wire format"), checked without a registry: a
 * new schema, used as the reader, must be able to read data written with every released version of that schema.
 * Uses Avro's {@link SchemaCompatibility#checkReaderWriterCompatibility(Schema, Schema)}.
 * <p>
 * Released versions ship in this jar as {@code released-schemas/<RecordName>/v1.avsc, v2.avsc, ...} (source:
 * {@code schemas/src/main/released-schemas}, see its README for how to release).
 */
public final class BackwardTransitiveCheck {

    /** Classpath folder of the released schemas. */
    public static final String RELEASED_ROOT = "released-schemas";

    private BackwardTransitiveCheck() {
    }

    /**
     * @param reader   the current schema
     * @param writers  every released version, oldest first
     * @return one line per incompatibility, e.g.
     *         {@code "FhirSlot v1 -> current: READER_FIELD_MISSING_DEFAULT_VALUE at /fields/25: extra"}; empty when
     *         the reader can read data of every writer
     */
    public static List<String> check(Schema reader, List<Schema> writers) {
        Objects.requireNonNull(reader, "reader");
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            problems.addAll(check(reader, writers.get(i), reader.getName() + " v" + (i + 1)));
        }
        return problems;
    }

    /**
     * @param writerLabel names the writer in the messages, e.g. "FhirSlot v2"
     * @return one line per incompatibility of reading writer data with the reader; empty when compatible
     */
    public static List<String> check(Schema reader, Schema writer, String writerLabel) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        return result.getIncompatibilities().stream()
                .map(i -> writerLabel + " -> current: " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }

    /**
     * Checks the current schema of a record against all its released versions on the classpath.
     *
     * @return the incompatibilities, plus one line if the record has no released version at all (every record
     *         written to a topic must be released before it ships, so a new schema cannot skip the gate)
     */
    public static List<String> checkAgainstReleased(Schema current) {
        List<Schema> released = releasedVersions(current.getName());
        if (released.isEmpty()) {
            return List.of(current.getName() + ": no released version (expected " + RELEASED_ROOT + "/"
                    + current.getName() + "/v1.avsc)");
        }
        return check(current, released);
    }

    /**
     * @param recordName simple record name, e.g. {@code FhirSlot}
     * @return v1, v2, ... as found on the classpath (stops at the first missing version); empty when none
     * @throws UncheckedIOException     when a file cannot be read
     * @throws org.apache.avro.SchemaParseException when a released file is not a valid schema
     */
    public static List<Schema> releasedVersions(String recordName) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = BackwardTransitiveCheck.class.getClassLoader();
        for (int v = 1; ; v++) {
            String path = RELEASED_ROOT + "/" + recordName + "/v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
    }
}
