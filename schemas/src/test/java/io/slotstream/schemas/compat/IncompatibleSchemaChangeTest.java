package io.slotstream.schemas.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.avro.FhirSlot;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Shows that {@link BackwardTransitiveCheck} rejects breaking changes to FhirSlot and accepts compatible ones. */
class IncompatibleSchemaChangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema RELEASED = FhirSlot.getClassSchema();

    @Test
    void aNewFieldWithoutDefaultIsRejected() {
        Schema candidate = change(RELEASED, fields -> fields.add(JSON.createObjectNode().put("name", "capacity").put("type", "int")));

        assertThat(BackwardTransitiveCheck.check(candidate, List.of(RELEASED)))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("capacity");
    }

    @Test
    void aStringFieldTurnedIntIsRejected() {
        Schema candidate = change(RELEASED, fields -> field(fields, "id").put("type", "int"));

        assertThat(BackwardTransitiveCheck.check(candidate, List.of(RELEASED)))
                .anySatisfy(problem -> assertThat(problem).contains("TYPE_MISMATCH").contains("/fields/0"));
    }

    @Test
    void aRemovedEnumSymbolIsRejected() {
        Schema candidate = change(RELEASED, fields -> {
            ArrayNode symbols = (ArrayNode) field(fields, "status").get("type").get("symbols");
            symbols.remove(3); // BUSY_TENTATIVE: old data may hold it
        });

        assertThat(BackwardTransitiveCheck.check(candidate, List.of(RELEASED)))
                .singleElement().asString().contains("MISSING_ENUM_SYMBOLS").contains("BUSY_TENTATIVE");
    }

    @Test
    void aNewNullableFieldWithNullDefaultIsAccepted() {
        Schema candidate = change(RELEASED, fields -> {
            ObjectNode added = fields.addObject().put("name", "capacity");
            added.putArray("type").add("null").add("int");
            added.putNull("default");
        });

        assertThat(BackwardTransitiveCheck.check(candidate, List.of(RELEASED))).isEmpty();
    }

    @Test
    void compatibilityWithTheLatestVersionAloneIsNotEnough() {
        // v1 has comment as a string; v2 drops it (allowed); v3 brings it back as an int with a default: v3 reads v2
        // data (no comment, so the default) but not v1 data (string vs int). Only the transitive check sees that.
        Schema v1 = RELEASED;
        Schema v2 = change(v1, fields -> remove(fields, "comment"));
        Schema v3 = change(v2, fields -> fields.addObject().put("name", "comment").put("type", "int").put("default", 0));

        assertThat(BackwardTransitiveCheck.check(v2, List.of(v1))).isEmpty();
        assertThat(BackwardTransitiveCheck.check(v3, v2, "FhirSlot v2")).isEmpty();
        assertThat(BackwardTransitiveCheck.check(v3, List.of(v1, v2))).isNotEmpty()
                .allSatisfy(problem -> assertThat(problem).startsWith("FhirSlot v1 -> current: TYPE_MISMATCH"));
    }

    private static Schema change(Schema schema, Consumer<ArrayNode> edit) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(schema.toString());
            edit.accept((ArrayNode) root.get("fields"));
            return new Schema.Parser().parse(root.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode field(ArrayNode fields, String name) {
        for (JsonNode field : fields) {
            if (field.get("name").asText().equals(name)) {
                return (ObjectNode) field;
            }
        }
        throw new AssertionError("no field " + name);
    }

    private static void remove(ArrayNode fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(name)) {
                fields.remove(i);
                return;
            }
        }
        throw new AssertionError("no field " + name);
    }
}
