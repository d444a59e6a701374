package io.slotstream.bench.generator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes a generated health system as a SMART Scheduling Links publication folder, the layout
 * {@code io.slotstream.deploy.local.SampleFeedLoader} loads: one NDJSON file per type ({@code Location.ndjson},
 * {@code Practitioner.ndjson}, {@code PractitionerRole.ndjson}, {@code HealthcareService.ndjson},
 * {@code Schedule.ndjson}), Slots split by state ({@code Slot-MA.ndjson}, with {@code extension.state}), and a
 * {@code $bulk-publish} manifest listing them under {@code baseUrl}. Slots are streamed to disk (constant memory).
 */
public final class PublicationWriter {

    /** What was written. */
    public record Result(Path folder, Map<String, Long> resourcesByType, long bytes, int files) {
    }

    private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator(null);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HealthSystem system;
    private final String baseUrl;

    /** @param baseUrl URL prefix of the files in the manifest, ending with {@code /} */
    public PublicationWriter(HealthSystem system, String baseUrl) {
        this.system = system;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    }

    /**
     * Writes the publication into {@code folder} (created if absent; existing files of the same names are replaced).
     *
     * @throws UncheckedIOException when the folder cannot be written
     */
    public Result write(Path folder) {
        try {
            Files.createDirectories(folder);
            Map<String, Long> counts = new TreeMap<>();
            ArrayNode outputs = MAPPER.createArrayNode();
            writeTrees(folder, "Location", outputs, counts, sink -> system.sites().forEach(s -> sink.accept(ResourceJson.location(s))));
            writeTrees(folder, "Practitioner", outputs, counts, sink -> system.providers().forEach(p -> sink.accept(ResourceJson.practitioner(p))));
            writeTrees(folder, "HealthcareService", outputs, counts, sink -> system.sites().forEach(s -> {
                for (int k = 0; k < s.specialties().size(); k++) {
                    sink.accept(ResourceJson.healthcareService(s, k));
                }
            }));
            writeTrees(folder, "PractitionerRole", outputs, counts, sink -> system.providers().forEach(p -> sink.accept(ResourceJson.practitionerRole(p))));
            writeTrees(folder, "Schedule", outputs, counts, sink -> system.providers().forEach(p -> sink.accept(ResourceJson.schedule(p, system))));
            writeSlots(folder, outputs, counts);
            ObjectNode manifest = MAPPER.createObjectNode();
            manifest.put("transactionTime", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            manifest.put("request", baseUrl + "$bulk-publish");
            manifest.set("output", outputs);
            manifest.putArray("error");
            Files.write(folder.resolve("$bulk-publish"), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            long bytes = 0;
            for (var output : outputs) {
                String url = output.path("url").asText();
                bytes += Files.size(folder.resolve(url.substring(url.lastIndexOf('/') + 1)));
            }
            return new Result(folder, counts, bytes, outputs.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the publication to " + folder + ": " + e.getMessage(), e);
        }
    }

    private void writeTrees(Path folder, String type, ArrayNode outputs, Map<String, Long> counts,
                            Consumer<Consumer<ObjectNode>> source) throws IOException {
        String file = type + ".ndjson";
        long[] n = {0};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(folder.resolve(file)), 1 << 16);
             JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            source.accept(r -> {
                try {
                    MAPPER.writeTree(json, r);
                    json.writeRaw('\n');
                    n[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        outputs.addObject().put("type", type).put("url", baseUrl + file);
        counts.put(type, n[0]);
    }

    private void writeSlots(Path folder, ArrayNode outputs, Map<String, Long> counts) throws IOException {
        Map<String, JsonGenerator> byState = new TreeMap<>();
        List<OutputStream> streams = new ArrayList<>();
        long[] n = {0};
        try {
            for (Provider p : system.providers()) {
                String state = p.site().state();
                JsonGenerator json = byState.get(state);
                if (json == null) {
                    OutputStream out = new BufferedOutputStream(Files.newOutputStream(folder.resolve("Slot-" + state + ".ndjson")), 1 << 16);
                    streams.add(out);
                    json = JSON.createGenerator(out, JsonEncoding.UTF8);
                    byState.put(state, json);
                }
                for (int day = 0; day < system.days(); day++) {
                    for (GeneratedSlot slot : system.slotsOn(p, day)) {
                        SlotJson.write(slot, json);
                        json.writeRaw('\n');
                        n[0]++;
                    }
                }
            }
        } finally {
            for (JsonGenerator json : byState.values()) {
                json.close();
            }
            for (OutputStream out : streams) {
                out.close();
            }
        }
        for (String state : byState.keySet()) {
            ObjectNode output = outputs.addObject().put("type", "Slot").put("url", baseUrl + "Slot-" + state + ".ndjson");
            output.putObject("extension").putArray("state").add(state);
        }
        counts.put("Slot", n[0]);
    }
}
