package io.slotstream.publish.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a whole SMART Scheduling Links STU1 publication, every line of every file (not a sample), and returns the
 * violations. Reusable against any publisher: give it the manifest and a way to open URLs ({@link #overHttp()}).
 * <p>
 * Rules (ids from shared/spec/smart-scheduling-links.md: {@code sched-N} and §12 {@code checklist-N}):
 * <ul>
 * <li>manifest: {@code transactionTime} an instant with seconds and offset (sched-1, checklist-3); {@code request}
 * an absolute http(s) URL ending in {@code $bulk-publish} without query (checklist-1/2); {@code output[]} with a
 * known {@code type} (the STU1 types, and HealthcareService, profiled in STU1 §5.6) and absolute {@code url}
 * (checklist-4); {@code extension} an object with {@code state} an array
 * of strings (checklist-5), present on every output (sched-4); {@code error} an array (checklist-2);</li>
 * <li>every line: one JSON object that HAPI's strict parser reads as the declared type (checklist-16); ids
 * {@code [A-Za-z0-9\-.]{1,64}}, unique per type (checklist-17);</li>
 * <li>references resolve within the publication (checklist-18): Slot.schedule, Schedule.actor and
 * PractitionerRole.location/healthcareService when they point at a type a manifest can carry (Location, Schedule,
 * PractitionerRole, Slot). References to other types (Practitioner, Organization, Device, HealthcareService) cannot
 * resolve in any SSL publication and are not checked;</li>
 * <li>Location: name and telecom with system and value (checklist-20); Schedule: actor 1..* with reference
 * (checklist-25) and serviceType 1..* (checklist-27);</li>
 * <li>Slot: schedule, status, start, end (checklist-30); start/end with seconds and an offset (sched-1,
 * checklist-31), start &lt;= end; exactly one patient-type with valueCoding in accepting-patients (checklist-32);
 * at most one booking-deep-link with an absolute http(s) valueUrl (checklist-33); at most one booking-phone with
 * valueContactPoint system phone and a value (checklist-34); no legacy 2021 extension URLs.</li>
 * </ul>
 * Memory grows with the number of ids (unique check): fine for tests and demos, not meant for 10M slots.
 */
public final class PublicationConformance {

    /** Opens the content at a URL of the manifest. */
    @FunctionalInterface
    public interface UrlOpener {
        InputStream open(String url) throws IOException;
    }

    private static final Set<String> TYPES = Set.of("Location", "Schedule", "PractitionerRole", "Slot");
    /**
     * Output types accepted in a manifest: the STU1 ones plus HealthcareService, which STU1 profiles (§5.6) as a
     * Schedule actor although its manifest type list leaves it out (clients SHOULD ignore types they do not know).
     */
    private static final Set<String> OUTPUT_TYPES = Set.of("Location", "Schedule", "PractitionerRole",
            "HealthcareService", "Slot");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern INSTANT =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

    private final FhirContext fhir;
    private final ObjectMapper json = new ObjectMapper();

    public PublicationConformance(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** @return an opener that GETs URLs with the JDK client (no Accept header, as aggregators do) */
    public static UrlOpener overHttp() {
        HttpClient http = HttpClient.newHttpClient();
        return url -> {
            try {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    response.body().close();
                    throw new IOException("GET " + url + " answered " + response.statusCode());
                }
                return response.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted fetching " + url, e);
            }
        };
    }

    /** Checks the publication whose manifest is at that URL. */
    public ConformanceReport check(String manifestUrl, UrlOpener opener) {
        try (InputStream in = opener.open(manifestUrl)) {
            return checkManifest(new String(in.readAllBytes(), StandardCharsets.UTF_8), opener);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest " + manifestUrl, e);
        }
    }

    /** Checks a manifest (its JSON text) and every file it lists. */
    public ConformanceReport checkManifest(String manifestJson, UrlOpener opener) {
        Run run = new Run();
        JsonNode manifest;
        try {
            manifest = json.readTree(manifestJson);
        } catch (IOException e) {
            run.fail("checklist-2", "manifest", "not JSON: " + e.getMessage());
            return run.report();
        }
        checkManifestFields(manifest, run);
        for (JsonNode output : manifest.path("output")) {
            String type = output.path("type").asText();
            String url = output.path("url").asText();
            if (!OUTPUT_TYPES.contains(type) || url.isEmpty()) {
                continue;
            }
            try (InputStream in = opener.open(url)) {
                checkFile(type, url, in, run);
            } catch (IOException e) {
                run.fail("checklist-4", url, "cannot download: " + e.getMessage());
            }
        }
        run.resolveReferences();
        return run.report();
    }

    private void checkManifestFields(JsonNode manifest, Run run) {
        if (!manifest.isObject()) {
            run.fail("checklist-2", "manifest", "not a JSON object");
            return;
        }
        String time = manifest.path("transactionTime").asText("");
        if (!manifest.path("transactionTime").isTextual() || !INSTANT.matcher(time).matches()) {
            run.fail("sched-1", "manifest.transactionTime", "not an instant with seconds and offset: " + time);
        }
        String request = manifest.path("request").asText("");
        if (!absoluteHttp(request) || !request.endsWith("$bulk-publish") || request.contains("?")) {
            run.fail("checklist-1", "manifest.request", "not an absolute http(s) URL ending in $bulk-publish: " + request);
        }
        if (!manifest.path("error").isArray()) {
            run.fail("checklist-2", "manifest.error", "missing or not an array");
        }
        if (!manifest.path("output").isArray()) {
            run.fail("checklist-2", "manifest.output", "missing or not an array");
            return;
        }
        int i = 0;
        for (JsonNode output : manifest.path("output")) {
            String where = "manifest.output[" + i++ + "]";
            if (!OUTPUT_TYPES.contains(output.path("type").asText())) {
                run.fail("checklist-4", where + ".type",
                        "not Location, Schedule, PractitionerRole, HealthcareService or Slot: " + output.path("type"));
            }
            if (!absoluteHttp(output.path("url").asText(""))) {
                run.fail("checklist-4", where + ".url", "not an absolute http(s) URL: " + output.path("url"));
            }
            JsonNode extension = output.path("extension");
            if (extension.isMissingNode()) {
                run.fail("sched-4", where, "no extension.state hint");
            } else if (!extension.isObject() || !extension.path("state").isArray()) {
                run.fail("checklist-5", where + ".extension", "not an object with a state array");
            } else {
                for (JsonNode state : extension.path("state")) {
                    if (!state.isTextual()) {
                        run.fail("checklist-5", where + ".extension.state", "not a string: " + state);
                    }
                }
            }
        }
    }

    private void checkFile(String type, String url, InputStream in, Run run) throws IOException {
        IParser parser = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            String where = url + "#L" + number;
            Resource resource;
            try {
                resource = (Resource) parser.parseResource(line);
            } catch (RuntimeException e) {
                run.fail("checklist-16", where, "HAPI cannot parse the line: " + e.getMessage());
                continue;
            }
            if (!resource.fhirType().equals(type)) {
                run.fail("checklist-16", where, "resourceType " + resource.fhirType() + " in a " + type + " file");
                continue;
            }
            run.count(type);
            String id = resource.getIdElement().getIdPart();
            if (id == null || !ID.matcher(id).matches()) {
                run.fail("checklist-17", where, "id does not match [A-Za-z0-9\\-.]{1,64}: " + id);
            } else if (!run.ids.computeIfAbsent(type, t -> new HashSet<>()).add(id)) {
                run.fail("checklist-17", where, "duplicate " + type + " id " + id);
            }
            switch (resource) {
                case Slot slot -> checkSlot(slot, where, run);
                case Schedule schedule -> checkSchedule(schedule, where, run);
                case Location location -> checkLocation(location, where, run);
                case PractitionerRole role -> checkRole(role, where, run);
                default -> {
                }
            }
        }
    }

    private void checkSlot(Slot slot, String where, Run run) {
        run.slotsByStatus.merge(slot.hasStatus() ? slot.getStatus().toCode() : "(none)", 1, Integer::sum);
        if (!slot.hasStatus() || !slot.hasSchedule() || !slot.hasStart() || !slot.hasEnd()) {
            run.fail("checklist-30", where, "Slot lacks status, schedule, start or end");
            return;
        }
        run.reference(slot.getSchedule(), "Slot.schedule", where, Set.of("Schedule"));
        for (String element : List.of("start", "end")) {
            String text = element.equals("start") ? slot.getStartElement().getValueAsString() : slot.getEndElement().getValueAsString();
            if (text == null || !INSTANT.matcher(text).matches()) {
                run.fail("checklist-31", where, "Slot." + element + " has no seconds or offset: " + text);
            }
        }
        if (slot.getStart().after(slot.getEnd())) {
            run.fail("checklist-30", where, "Slot.start is after Slot.end");
        }
        List<Extension> patientTypes = slot.getExtensionsByUrl(SchedulingExtensions.PATIENT_TYPE);
        if (patientTypes.size() != 1) {
            run.fail("checklist-32", where, "Slot has " + patientTypes.size() + " patient-type extensions, needs exactly 1");
        } else if (!(patientTypes.get(0).getValue() instanceof org.hl7.fhir.r4.model.Coding coding)
                || !SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM.equals(coding.getSystem()) || !coding.hasCode()) {
            run.fail("checklist-32", where, "patient-type is not a valueCoding with system accepting-patients and a code");
        }
        List<Extension> links = slot.getExtensionsByUrl(SchedulingExtensions.BOOKING_DEEP_LINK);
        if (links.size() > 1 || (links.size() == 1 && !(links.get(0).getValue() instanceof org.hl7.fhir.r4.model.UrlType url
                && absoluteHttp(url.getValue())))) {
            run.fail("checklist-33", where, "booking-deep-link must be at most one valueUrl with an absolute http(s) URL");
        }
        List<Extension> phones = slot.getExtensionsByUrl(SchedulingExtensions.BOOKING_PHONE);
        if (phones.size() > 1 || (phones.size() == 1 && !(phones.get(0).getValue() instanceof org.hl7.fhir.r4.model.ContactPoint phone
                && phone.getSystem() == org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE && phone.hasValue()))) {
            run.fail("checklist-34", where, "booking-phone must be at most one valueContactPoint with system phone and a value");
        }
        for (Extension extension : slot.getExtension()) {
            if (extension.getUrl() != null && extension.getUrl().startsWith(SchedulingExtensions.LEGACY_BASE)) {
                run.fail("checklist-33", where, "legacy 2021 extension URL " + extension.getUrl() + " (STU1 §6.1 URLs expected)");
            }
        }
    }

    private void checkSchedule(Schedule schedule, String where, Run run) {
        if (!schedule.hasActor()) {
            run.fail("checklist-25", where, "Schedule has no actor");
        }
        for (Reference actor : schedule.getActor()) {
            if (!actor.hasReference()) {
                run.fail("checklist-25", where, "Schedule.actor without reference");
            } else {
                run.reference(actor, "Schedule.actor", where, TYPES);
            }
        }
        if (!schedule.hasServiceType()) {
            run.fail("checklist-27", where, "Schedule has no serviceType");
        }
    }

    private void checkLocation(Location location, String where, Run run) {
        if (!location.hasName()) {
            run.fail("checklist-20", where, "Location has no name");
        }
        if (!location.hasTelecom() || location.getTelecom().stream().anyMatch(t -> !t.hasSystem() || !t.hasValue())) {
            run.fail("checklist-20", where, "Location needs telecom entries with system and value");
        }
    }

    private void checkRole(PractitionerRole role, String where, Run run) {
        role.getLocation().forEach(r -> run.reference(r, "PractitionerRole.location", where, TYPES));
        role.getHealthcareService().forEach(r -> run.reference(r, "PractitionerRole.healthcareService", where, TYPES));
    }

    private static boolean absoluteHttp(String url) {
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** State of one check. */
    private static final class Run {
        final List<Violation> violations = new ArrayList<>();
        final Map<String, Set<String>> ids = new HashMap<>();
        final Map<String, Integer> byType = new TreeMap<>();
        final Map<String, Integer> slotsByStatus = new TreeMap<>();
        /** "Type/id" -> where it was first used, for references to publishable types. */
        final Map<String, String> references = new LinkedHashMap<>();

        void fail(String rule, String where, String message) {
            violations.add(new Violation(rule, where, message));
        }

        void count(String type) {
            byType.merge(type, 1, Integer::sum);
        }

        void reference(Reference reference, String element, String where, Set<String> allowed) {
            String text = reference.getReference();
            String[] parts = text == null ? new String[0] : text.split("/");
            if (parts.length != 2) {
                fail("checklist-18", where, element + " is not a relative Type/id reference: " + text);
                return;
            }
            if (!TYPES.contains(parts[0])) {
                return; // Practitioner, Organization, Device...: not publishable, cannot resolve in any SSL feed
            }
            if (!allowed.contains(parts[0])) {
                fail("checklist-18", where, element + " points at a " + parts[0]);
                return;
            }
            references.putIfAbsent(text, where + " (" + element + ")");
        }

        void resolveReferences() {
            references.forEach((reference, where) -> {
                String[] parts = reference.split("/");
                if (!ids.getOrDefault(parts[0], Set.of()).contains(parts[1])) {
                    fail("checklist-18", where, reference + " is not in the publication");
                }
            });
        }

        ConformanceReport report() {
            return new ConformanceReport(List.copyOf(violations), Map.copyOf(byType), Map.copyOf(slotsByStatus));
        }
    }
}
