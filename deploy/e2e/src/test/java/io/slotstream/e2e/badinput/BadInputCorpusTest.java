package io.slotstream.e2e.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.ServiceSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15 deliverable 3: every row of {@code bad-input/corpus.jsonl} (a malformed or hostile request to one of the
 * four services) is sent over a raw socket to the real services (processes from their exec jars on the shared
 * broker and registry). Each answer must have the row's 4xx status, {@code Content-Type: application/fhir+json}, a
 * parseable OperationOutcome with an error issue that names the row's element, parameter or header (in
 * {@code expression} or {@code diagnostics}), and no stack trace or HTML; afterwards every service is still UP.
 * <p>
 * Row fields: {@code id}, {@code service}, {@code method}, {@code target} (sent verbatim), {@code headers},
 * {@code body}, {@code slow} (body trickled in 16-byte pieces), {@code status}, {@code names} (found in an issue's
 * expression, diagnostics or details), {@code knownDefect} (a wrong answer found and not fixed yet: printed, and the
 * test fails once the row is answered right, so the mark is removed). Generators inside
 * header values and bodies: {@code ${repeat:TEXT:N}} (TEXT N times), {@code ${deep:N}} (N nested JSON arrays).
 */
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class BadInputCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GENERATOR = Pattern.compile("\\$\\{(repeat|deep):(?:([^}]*):)?(\\d+)}");
    private static final List<String> LEAKS = List.of("exception", "\tat ", "at org.", "at java.", "<html", "<!doctype",
            "apache tomcat", "stacktrace", "caused by");
    private static ServiceSet services;

    @BeforeAll
    static void startServices() {
        services = RunningServices.get();
    }

    @Test
    void everyMalformedRequestIsAnsweredWithAFhirOperationOutcomeAndTheRightClientError() throws Exception {
        List<JsonNode> rows = corpus();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(150);
        assertThat(rows.stream().map(r -> r.path("id").asText()).distinct()).hasSize(rows.size());
        List<String> failures = new ArrayList<>();
        for (JsonNode row : rows) {
            try {
                String failure = check(row);
                if (row.has("knownDefect")) {
                    // a defect found by the corpus and not fixed yet: reported, and the row fails once it is fixed
                    System.out.println("known defect " + row.path("id").asText() + ": " + row.path("knownDefect").asText()
                            + (failure == null ? "" : " (" + failure + ")"));
                    if (failure == null) {
                        failures.add(row.path("id").asText() + ": answered right now; remove its knownDefect");
                    }
                } else if (failure != null) {
                    failures.add(row.path("id").asText() + ": " + failure);
                }
            } catch (IOException e) {
                failures.add(row.path("id").asText() + ": no answer (" + e.getMessage() + ")");
            }
        }
        assertThat(failures).as("rows answered wrongly, of " + rows.size()).isEmpty();
        for (String service : ServiceSet.DEFAULT_PORTS.keySet()) {
            URI base = URI.create(services.url(service));
            RawHttp.Answer health = RawHttp.send(base.getHost(), base.getPort(), "GET", "/actuator/health", Map.of(),
                    null, 0);
            assertThat(health.status()).as(service + " health after the corpus").isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("status").asText()).as(service).isEqualTo("UP");
        }
    }

    /** @return null when the answer is right, else what is wrong */
    private static String check(JsonNode row) throws IOException, InterruptedException {
        URI base = URI.create(services.url(row.path("service").asText()));
        Map<String, String> headers = new LinkedHashMap<>();
        row.path("headers").properties().forEach(h -> headers.put(h.getKey(), expand(h.getValue().asText())));
        byte[] body = row.has("body") ? expand(row.path("body").asText()).getBytes(StandardCharsets.UTF_8) : null;
        RawHttp.Answer answer = RawHttp.send(base.getHost(), base.getPort(), row.path("method").asText(),
                row.path("target").asText(), headers, body, row.path("slow").asBoolean() ? 50 : 0);
        int expected = row.path("status").asInt();
        String seen = "HTTP " + answer.status() + " " + answer.header("content-type") + " "
                + answer.body().substring(0, Math.min(300, answer.body().length()));
        if (answer.status() != expected) {
            return "expected HTTP " + expected + ", got " + seen;
        }
        if (answer.header("content-type") == null || !answer.header("content-type").startsWith("application/fhir+json")) {
            return "not application/fhir+json: " + seen;
        }
        String lower = answer.body().toLowerCase(Locale.ROOT);
        for (String leak : LEAKS) {
            if (lower.contains(leak)) {
                return "leaks '" + leak.trim() + "': " + seen;
            }
        }
        JsonNode outcome;
        try {
            outcome = JSON.readTree(answer.body());
        } catch (IOException e) {
            return "body is not JSON: " + seen;
        }
        if (!"OperationOutcome".equals(outcome.path("resourceType").asText()) || outcome.path("issue").isEmpty()) {
            return "not an OperationOutcome with issues: " + seen;
        }
        String names = row.path("names").asText();
        if (names.isEmpty()) {
            return "the row names no element, parameter or header to expect";
        }
        boolean named = false;
        boolean error = false;
        for (JsonNode issue : outcome.path("issue")) {
            error |= List.of("error", "fatal").contains(issue.path("severity").asText());
            named |= issue.path("diagnostics").asText().contains(names) || issue.path("expression").toString().contains(names)
                    || issue.path("details").toString().contains(names);
        }
        if (!error) {
            return "no error issue: " + seen;
        }
        if (!named) {
            return "no issue names '" + names + "': " + seen;
        }
        if (expected == 405 && answer.header("allow") == null) {
            return "405 without Allow: " + seen;
        }
        return null;
    }

    static String expand(String text) {
        Matcher m = GENERATOR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int n = Integer.parseInt(m.group(3));
            String value = m.group(1).equals("repeat") ? m.group(2).repeat(n) : "[".repeat(n) + "]".repeat(n);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<JsonNode> corpus() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                BadInputCorpusTest.class.getResourceAsStream("/bad-input/corpus.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        return rows;
    }
}
