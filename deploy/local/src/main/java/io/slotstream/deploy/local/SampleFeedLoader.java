package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Loads a SMART Scheduling Links publication from a folder (its {@code $bulk-publish} manifest, or every
 * {@code *.ndjson} file when there is none) into ingest-service: FHIR transaction Bundles of {@value #BUNDLE_SIZE}
 * {@code PUT} entries, posted to {@code [base]/fhir} under one source id. Reference targets go first (files of
 * Location, Practitioner, PractitionerRole, HealthcareService, Schedule, then Slot, each file typed by its first
 * line); types ingest-service does not take are skipped and counted. Files are streamed, so a generated health
 * system of millions of slots loads in constant memory.
 */
public final class SampleFeedLoader {

    static final int BUNDLE_SIZE = 100;
    private static final List<String> TYPE_ORDER = List.of(
            "Location", "Practitioner", "PractitionerRole", "HealthcareService", "Schedule", "Slot");
    private static final Set<String> INGESTED_TYPES = Set.copyOf(TYPE_ORDER);

    /** What a load did: resources accepted per type, and resources skipped per type (not ingested). */
    public record Result(Map<String, Integer> loaded, Map<String, Integer> skipped) {
        public int loaded(String type) {
            return loaded.getOrDefault(type, 0);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final URI fhirBase;
    /** Access tokens for ingest-service's FHIR API (null: the services run without request security). */
    private Supplier<String> token;

    /** @param ingestBaseUrl ingest-service's base URL, for example {@code http://127.0.0.1:8081} */
    public SampleFeedLoader(String ingestBaseUrl) {
        this(ingestBaseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** @param http the client for ingest-service (an HTTPS one: a client that trusts its CA) */
    public SampleFeedLoader(String ingestBaseUrl, HttpClient http) {
        this.fhirBase = URI.create(ingestBaseUrl + "/fhir");
        this.http = http;
    }

    /**
     * Loads every resource of the publication in {@code folder} as source {@code sourceId}.
     *
     * @throws StackException when a file cannot be read or ingest-service refuses a Bundle (with its OperationOutcome)
     */
    public Result load(Path folder, String sourceId) {
        Map<String, Integer> loaded = new LinkedHashMap<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        List<TypedFile> files = typedFiles(folder);
        for (String type : TYPE_ORDER) {
            for (TypedFile file : files) {
                if (file.type().equals(type)) {
                    loaded.merge(type, stream(file.path(), sourceId), Integer::sum);
                }
            }
        }
        for (TypedFile file : files) {
            if (!INGESTED_TYPES.contains(file.type())) {
                skipped.merge(file.type(), countLines(file.path()), Integer::sum);
            }
        }
        return new Result(loaded, skipped);
    }

    /** One NDJSON file of the publication and the resource type it holds (manifest {@code type}, else its first line). */
    private record TypedFile(Path path, String type) {
    }

    /** Posts the file's resources in Bundles of {@value #BUNDLE_SIZE} without holding the file in memory. */
    private int stream(Path file, String sourceId) {
        int count = 0;
        List<JsonNode> batch = new ArrayList<>(BUNDLE_SIZE);
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                batch.add(json.readTree(line));
                count++;
                if (batch.size() == BUNDLE_SIZE) {
                    post(transaction(batch), sourceId);
                    batch.clear();
                }
            }
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!batch.isEmpty()) {
            post(transaction(batch), sourceId);
        }
        return count;
    }

    private static int countLines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return (int) lines.filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Sends one resource as a {@code PUT [base]/fhir/{type}/{id}} (a source-side change, such as a booking). */
    public void put(JsonNode resource, String sourceId) {
        String path = "/" + resource.path("resourceType").asText() + "/" + resource.path("id").asText();
        send(HttpRequest.newBuilder(URI.create(fhirBase + path))
                .PUT(HttpRequest.BodyPublishers.ofString(resource.toString())), sourceId, path);
    }

    private ObjectNode transaction(List<JsonNode> resources) {
        ObjectNode bundle = json.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
        ArrayNode entries = bundle.putArray("entry");
        for (JsonNode resource : resources) {
            String url = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
            ObjectNode entry = entries.addObject();
            entry.set("resource", resource);
            entry.putObject("request").put("method", "PUT").put("url", url);
        }
        return bundle;
    }

    private void post(ObjectNode bundle, String sourceId) {
        send(HttpRequest.newBuilder(fhirBase).POST(HttpRequest.BodyPublishers.ofString(bundle.toString())), sourceId, "transaction Bundle");
    }

    /**
     * Sends {@code Authorization: Bearer} tokens from {@code tokens} (a client with {@code system/<type>.cud} scopes,
     * bound to the source it writes) to ingest-service.
     */
    public SampleFeedLoader withToken(Supplier<String> tokens) {
        this.token = tokens;
        return this;
    }

    private void send(HttpRequest.Builder request, String sourceId, String what) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token.get());
        }
        try {
            HttpResponse<String> response = http.send(request
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/fhir+json")
                    .header("Accept", "application/fhir+json")
                    .header("X-Slotstream-Source", sourceId)
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new StackException("ingest-service refused a " + what + " from " + sourceId + ": HTTP "
                        + response.statusCode() + " " + firstIssue(response.body()));
            }
        } catch (IOException e) {
            throw new StackException("ingest-service unreachable at " + fhirBase + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while loading " + sourceId, e);
        }
    }

    private String firstIssue(String body) {
        try {
            JsonNode issue = json.readTree(body).path("issue").path(0);
            return issue.path("diagnostics").asText(issue.path("details").path("text").asText(body))
                    + (issue.has("expression") ? " at " + issue.path("expression") : "");
        } catch (IOException e) {
            return body.length() > 300 ? body.substring(0, 300) : body;
        }
    }

    /** Resources of the publication grouped by resourceType, in file order. */
    Map<String, List<JsonNode>> readPublication(Path folder) {
        Map<String, List<JsonNode>> byType = new LinkedHashMap<>();
        for (Path file : files(folder)) {
            try (BufferedReader reader = Files.newBufferedReader(file)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode resource = json.readTree(line);
                        byType.computeIfAbsent(resource.path("resourceType").asText(), t -> new ArrayList<>()).add(resource);
                    }
                }
            } catch (IOException e) {
                throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return byType;
    }

    private List<TypedFile> typedFiles(Path folder) {
        List<TypedFile> typed = new ArrayList<>();
        for (Path file : files(folder)) {
            try (BufferedReader reader = Files.newBufferedReader(file)) {
                String first;
                do {
                    first = reader.readLine();
                } while (first != null && first.isBlank());
                if (first != null) {
                    typed.add(new TypedFile(file, json.readTree(first).path("resourceType").asText()));
                }
            } catch (IOException e) {
                throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return typed;
    }

    private List<Path> files(Path folder) {
        Path manifest = folder.resolve("$bulk-publish");
        try {
            if (Files.isRegularFile(manifest)) {
                List<Path> files = new ArrayList<>();
                for (JsonNode output : json.readTree(manifest.toFile()).path("output")) {
                    String url = output.path("url").asText();
                    Path file = folder.resolve(url.substring(url.lastIndexOf('/') + 1));
                    if (!Files.isRegularFile(file)) {
                        throw new StackException("the manifest " + manifest + " lists " + url + " but " + file + " is missing");
                    }
                    files.add(file);
                }
                return files;
            }
            try (Stream<Path> listing = Files.list(folder)) {
                return listing.filter(p -> p.toString().endsWith(".ndjson")).sorted(Comparator.naturalOrder()).toList();
            }
        } catch (IOException e) {
            throw new StackException("cannot read the publication in " + folder + ": " + e.getMessage(), e);
        }
    }
}
