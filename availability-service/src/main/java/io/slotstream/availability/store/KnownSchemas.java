package io.slotstream.availability.store;

import io.slotstream.schemas.compat.BackwardTransitiveCheck;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The released writer schemas of a record type, for resolving stored values written by older builds: the record's own
 * released versions ({@code released-schemas/<Record>/vN.avsc}) and, for a nested type such as {@code Reference} or
 * {@code Coding}, its definition inside every released version of every topic record (nested types are released with
 * the records that carry them).
 */
final class KnownSchemas {

    private static final Map<String, List<Schema>> BY_FULL_NAME = new ConcurrentHashMap<>();

    private KnownSchemas() {
    }

    /** @return released writer schemas with the full name of {@code current}, without duplicates; maybe empty */
    static List<Schema> releasedWriters(Schema current) {
        return BY_FULL_NAME.computeIfAbsent(current.getFullName(), name -> {
            Map<Schema, Boolean> found = new LinkedHashMap<>();
            BackwardTransitiveCheck.releasedVersions(current.getName()).forEach(s -> found.put(s, true));
            for (Topic<?> topic : Topics.all()) {
                for (Schema released : BackwardTransitiveCheck.releasedVersions(topic.valueClass().getSimpleName())) {
                    collect(released, name, found, new IdentityHashMap<>());
                }
            }
            return List.copyOf(new ArrayList<>(found.keySet()));
        });
    }

    private static void collect(Schema schema, String fullName, Map<Schema, Boolean> found, Map<Schema, Boolean> seen) {
        if (seen.put(schema, true) != null) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                if (schema.getFullName().equals(fullName)) {
                    found.put(schema, true);
                }
                schema.getFields().forEach(f -> collect(f.schema(), fullName, found, seen));
            }
            case ARRAY -> collect(schema.getElementType(), fullName, found, seen);
            case MAP -> collect(schema.getValueType(), fullName, found, seen);
            case UNION -> schema.getTypes().forEach(t -> collect(t, fullName, found, seen));
            default -> {
            }
        }
    }
}
