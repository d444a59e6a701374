package io.slotstream.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import io.slotstream.deploy.local.AuthServerProcess;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.LogLeakScan;
import io.slotstream.deploy.local.Ports;
import io.slotstream.deploy.local.ServiceSet;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.edge.security.client.BackendServicesClient;
import io.slotstream.web.proxy.ServiceCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pages in a real browser (headless Chromium through Selenium) against the real pipeline, secured as
 * {@code ./slotstream run} secures it: the broker and registry ({@link SharedStack}), the launcher's authorization
 * server with its registered clients ({@link AuthServerProcess}), the four services from their exec jars in token mode
 * ({@link ServiceSet}) and the web app in this JVM with its own client ({@code slotstream-web}). The test writes the
 * clinic with the launcher's source client and reads the booking with its booking client; the pages hold no token.
 * Unauthenticated calls to booking-bridge's {@code $hold} and ingest's FHIR API answer 401 with an OperationOutcome
 * while the pages' flow, through web's pass-through, succeeds. One flow: search on the discovery page, follow the slot's booking deep link to the portal, lose a race from a
 * second browser, hold, book, see the slot vanish from the second browser's discovery page, cancel with the signed
 * link, see it come back, then the status page's counts against what was written; no patient detail, token, client
 * assertion or client key in any service's or web's log. Screenshots of each step go to
 * {@code target/screenshots}; axe-core (vendored) checks each page for serious or critical WCAG 2.1 A/AA violations.
 * Skipped, with the reason, when Chromium or chromedriver is not installed (Debian: {@code chromium chromium-driver};
 * other paths through {@code -Dslotstream.chromium} and {@code -Dslotstream.chromedriver}).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class WebFlowBrowserTest {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path CHROMIUM = Path.of(System.getProperty("slotstream.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("slotstream.chromedriver", "/usr/bin/chromedriver"));
    /** The source {@link AuthServerProcess#LOCAL_SOURCE} is bound to: the clinic's ids are {@code local.<id>}. */
    private static final String SOURCE = "local";
    private static final DateTimeFormatter FHIR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final Duration STEP = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AuthServerProcess authServer;
    private static BackendServicesClient sourceClient;
    private static BackendServicesClient bookingClient;
    private static ServiceSet services;
    private static Path logDir;
    private static ConfigurableApplicationContext web;
    private static String webUrl;
    private static WebDriver first;
    private static WebDriver second;
    private static String axe;
    private static HttpClient http;
    /** The bearer tokens this test sent itself (the launcher's source and booking clients). */
    private static final Set<String> testTokens = new LinkedHashSet<>();
    /** The access tokens web held during the flow (read from its {@link ServiceCredentials} after each step). */
    private static final Set<String> webTokens = new LinkedHashSet<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: no Chromium at " + CHROMIUM + " or no chromedriver at " + CHROMEDRIVER
                        + " (Debian: apt-get install chromium chromium-driver)");
        // Four service JVMs and two browsers on a shared 2-core machine: give the services longer than 150 s.
        System.setProperty("slotstream.service-ready-timeout-seconds", System.getProperty("slotstream.service-ready-timeout-seconds", "600"));
        LocalStack stack = SharedStack.get();
        logDir = Path.of(System.getProperty("java.io.tmpdir"), "web-services-" + System.nanoTime());
        // as ./slotstream run: the authorization server first (the services fetch its keys on their first token)
        authServer = AuthServerProcess.launch(PROJECT, stack, logDir, Ports.free("127.0.0.1"));
        services = ServiceSet.launch(PROJECT, stack, logDir, ServiceSet.freePorts(), authServer.resourceServerEnvironment());
        authServer.awaitReady();
        services.awaitReady(System.out::println);
        sourceClient = authServer.client(AuthServerProcess.LOCAL_SOURCE);
        bookingClient = authServer.client(AuthServerProcess.BOOKING_DEMO);
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--server.address=127.0.0.1",
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.web.availability-url=" + services.url("availability-service"),
                "--slotstream.web.booking-url=" + services.url("booking-bridge"),
                "--slotstream.web.ingest-url=" + services.url("ingest-service"),
                "--slotstream.web.publish-url=" + services.url("publish-service"),
                "--slotstream.web.patient-fields=name,birth-date,phone",
                "--logging.structured.format.console=",
                // web's own log beside the services', for the leak scan
                "--logging.file.name=" + logDir.resolve("web.log")));
        // web's client as the launcher registers it (SLOTSTREAM_WEB_TOKEN_URL -> slotstream.web.token-url, ...)
        authServer.webClientEnvironment().forEach((variable, value) -> args.add("--slotstream.web."
                + variable.substring("SLOTSTREAM_WEB_".length()).toLowerCase(Locale.ROOT).replace('_', '-') + "=" + value));
        web = new SpringApplicationBuilder(WebApplication.class).run(args.toArray(String[]::new));
        webUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) web).getWebServer().getPort() + "/";
        axe = new String(WebFlowBrowserTest.class.getResourceAsStream("/axe/axe.min.js").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Files.createDirectories(SCREENSHOTS);
        Files.deleteIfExists(SCREENSHOTS.resolve("timings.txt"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        writeClinic();
        first = browser();
        second = browser();
    }

    @AfterAll
    static void stop() {
        for (WebDriver driver : new WebDriver[]{first, second}) {
            if (driver != null) {
                driver.quit();
            }
        }
        if (web != null) {
            web.close();
        }
        if (http != null) {
            http.close();
        }
        if (services != null) {
            services.close();
        }
        if (authServer != null) {
            authServer.close();
        }
    }

    @Test
    void searchFollowTheDeepLinkHoldBookSeeItGoneCancelSeeItBack() throws Exception {
        String slot = SOURCE + ".slot-1";

        // Security is on: without a token booking-bridge's $hold and ingest's FHIR API refuse (401 OperationOutcome,
        // code login); web's own token books but may not write source data (403, code forbidden).
        String hold = """
                {"resourceType":"Parameters","parameter":[{"name":"appointment-reference","valueReference":{"reference":"Appointment/x"}}]}""";
        assertRefused(send("POST", services.url("booking-bridge") + "/fhir/Appointment/$hold", hold, null), 401, "login");
        String slotBody = """
                {"resourceType":"Slot","id":"intruder","schedule":{"reference":"Schedule/sch"},"status":"free",
                 "start":"2030-01-07T10:00:00Z","end":"2030-01-07T10:30:00Z"}""";
        assertRefused(send("PUT", services.url("ingest-service") + "/fhir/Slot/intruder", slotBody, null), 401, "login");
        String webToken = webToken();
        assertThat(claims(webToken)).contains("\"client_id\":\"" + AuthServerProcess.WEB_PORTAL + "\"");
        assertRefused(send("PUT", services.url("ingest-service") + "/fhir/Slot/intruder", slotBody, "Bearer " + webToken),
                403, "forbidden");

        // Discovery: search by ZIP; the clinic and its three slots, grouped by location and day, on the map.
        searchByZip(first);
        waitFor(first, slotItem(slot));
        eventually().untilAsserted(() -> assertThat(first.findElement(By.id("result-list")).getText())
                .contains("1. Web Test Clinic").contains("+1-617-555-0100"));
        assertThat(first.findElements(By.cssSelector("#result-list li[data-slot-id]"))).hasSize(3);
        assertThat(first.findElements(By.cssSelector("#map svg circle"))).hasSize(1);
        // one location: its dot in the middle of the 360 x 300 map, not in a corner
        eventually().untilAsserted(() -> {
            WebElement dot = first.findElement(By.cssSelector("#map svg circle"));
            assertThat(dot.getAttribute("cx") + "," + dot.getAttribute("cy")).isEqualTo("180.0,150.0");
        });
        snap(first, "01-discovery");
        assertAccessible(first, "discovery");
        searchByZip(second);
        waitFor(second, slotItem(slot));

        // The slot's booking deep link, with source and booking-referral appended, opens the portal on that slot.
        // the live stream may re-render the list at any moment: find the link afresh until the click lands
        eventually().until(() -> {
            first.findElement(slotItem(slot)).findElement(By.cssSelector("a.book")).click();
            return true;
        });
        waitFor(first, By.id("facts"));
        assertThat(first.getCurrentUrl()).contains("slot=" + slot).contains("source=slotstream-discovery").contains("booking-referral=");
        eventually().untilAsserted(() -> assertThat(first.findElement(By.id("facts")).getText())
                .contains("Web Test Clinic").contains("10:00").contains("UTC-05:00").contains("Dr. Ada Web"));
        snap(first, "02-portal");
        assertAccessible(first, "portal");

        // Hold: the countdown runs and the patient form appears.
        click(first, By.id("start"));
        waitFor(first, By.id("f-name"));
        eventually().untilAsserted(() -> assertThat(first.findElement(By.id("countdown")).getText()).matches("\\d+ min \\d\\d s"));
        long held = System.nanoTime();

        // The other browser's discovery page loses the held slot by itself (no reload). How long that took is
        // reported (target/screenshots/timings.txt; issue 17 aims at 2 s), never asserted: it is a speed.
        await().atMost(STEP).pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(WebDriverException.class)
                .until(() -> second.findElements(slotItem(slot)).isEmpty());
        report("held slot gone from the second browser's discovery page (ms, 50 ms polls)", (System.nanoTime() - held) / 1_000_000);
        webToken();
        assertThat(second.findElements(By.cssSelector("#result-list li[data-slot-id]"))).hasSize(2);
        eventually().untilAsserted(() -> assertThat(second.findElement(By.id("live")).getText()).contains("just taken"));
        snap(second, "03-gone-elsewhere");

        // A lost race: the same slot opened in another tab is explained, with the schedule's next free times offered.
        String discoveryTab = second.getWindowHandle();
        second.switchTo().newWindow(WindowType.TAB);
        second.get(webUrl + "portal.html?slot=" + slot);
        eventually().untilAsserted(() -> assertThat(second.findElement(By.id("message")).getText())
                .contains("Someone else is booking this time right now"));
        eventually().untilAsserted(() -> assertThat(second.findElements(By.cssSelector("#alternatives a"))).hasSize(2));
        snap(second, "04-lost-race");
        second.close();
        second.switchTo().window(discoveryTab);

        // Book with the patient's details: confirmation with a signed cancel link; the slot stays off the other page.
        first.findElement(By.id("f-name")).sendKeys("Pat Example");
        ((JavascriptExecutor) first).executeScript("document.getElementById('f-birth-date').value = '1980-04-02'");
        first.findElement(By.id("f-phone")).sendKeys("+1 617 555 0199");
        snap(first, "05-hold");
        click(first, By.id("book"));
        waitFor(first, By.id("cancel-link"));
        eventually().untilAsserted(() -> assertThat(first.findElement(By.id("confirmation")).getText())
                .contains("is booked").contains("Confirmation number"));
        snap(first, "06-booked");
        assertAccessible(first, "confirmation");
        // The source learns whom it sees: the booked Appointment (ITI-118 read) contains the details typed in the form.
        // (read with the launcher's booking client: without a token booking-bridge answers 401)
        String appointmentId = first.findElement(By.id("confirmation-number")).getText();
        String appointmentUrl = services.url("booking-bridge") + "/fhir/Appointment/" + appointmentId;
        assertRefused(send("GET", appointmentUrl, null, null), 401, "login");
        HttpResponse<String> appointment = send("GET", appointmentUrl, null, "Bearer " + bookingClient.get());
        assertThat(appointment.statusCode()).as(appointment.body()).isEqualTo(200);
        assertThat(JSON.readTree(appointment.body()).path("contained").path(0).toString())
                .contains("\"resourceType\":\"Patient\"").contains("Pat Example").contains("1980-04-02")
                .contains("+1 617 555 0199");
        assertThat(second.findElements(slotItem(slot))).isEmpty();
        webToken();

        // Cancel with the signed link; the slot is free again and comes back on the other page by itself.
        click(first, By.id("cancel-link"));
        click(first, By.id("cancel"));
        eventually().untilAsserted(() -> assertThat(first.findElement(By.id("appointment-status")).getText()).isEqualTo("cancelled"));
        snap(first, "07-cancelled");
        webToken();
        eventually().until(() -> !second.findElements(slotItem(slot)).isEmpty());
        snap(second, "08-back");

        // A changed token is refused (one character of the signature changed in all its bits).
        String token = first.getCurrentUrl().replaceAll(".*token=", "");
        int changed = token.indexOf('.') + 5;
        first.get(webUrl + "cancel.html?token=" + token.substring(0, changed) + (token.charAt(changed) == 'A' ? 'g' : 'A')
                + token.substring(changed + 1));
        eventually().untilAsserted(() -> assertThat(first.findElement(By.id("message")).getText()).contains("not issued here"));

        // Status: topic counts equal what this test wrote; the publication and the dead letter are shown.
        first.get(webUrl + "status.html");
        // the page shows the manifest's facts only once publish-service has cut (an error notice before)
        try {
            await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
                first.navigate().refresh();
                String resources = waitFor(first, By.cssSelector("#resources table")).getText();
                assertThat(resources).contains("Location fhir.location.v1 1").contains("Schedule fhir.schedule.v1 1")
                        .contains("Slot fhir.slot.v1 3").contains("PractitionerRole fhir.practitioner-role.v1 1");
                assertThat(first.findElement(By.id("slots")).getText()).contains("free 3").contains("all published 3");
                assertThat(first.findElement(By.id("dead")).getText()).contains("1 on ingest.dead-letter.v1");
                assertThat(first.findElement(By.id("transaction-time")).getText()).matches("\\d{4}-.*Z \\(.*ago\\)");
                // ingest's /admin/feeds answered web's token (a refusal would show "... answered 401/403")
                assertThat(first.findElement(By.id("feeds")).getText()).contains("No feed subscriptions");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            snap(first, "09-status-failed");
            throw new AssertionError("the status page did not show the expected counts; it shows:\n"
                    + first.findElement(By.tagName("body")).getText(), e);
        }
        snap(first, "09-status");
        assertAccessible(first, "status");
        publishScreenshots();

        webToken();

        // No PHI or secrets in the logs of the services, the authorization server and web (issue 16): the patient's
        // details typed above, anything token-like, the exact access tokens web and this test used, and web's
        // private client key (what signs its client assertions; the assertions themselves are JWTs, "eyJ...").
        java.util.Map<String, String> secrets = new java.util.LinkedHashMap<>();
        webTokens.forEach(t -> secrets.put(t, "<web access token " + secrets.size() + ">"));
        testTokens.forEach(t -> secrets.putIfAbsent(t, "<test access token " + secrets.size() + ">"));
        Object privateKey = JWK.parse(Files.readString(Path.of(authServer.webClientEnvironment().get("SLOTSTREAM_WEB_CLIENT_KEY_FILE"))))
                .toJSONObject().get("d");
        assertThat(privateKey).as("web's client key is a private JWK").isNotNull();
        secrets.put(privateKey.toString(), "<web client private key>");
        assertThat(webTokens).as("web's access tokens").isNotEmpty();
        List<String> needles = Stream.of(LogLeakScan.TOKENS.stream(), Stream.of("Pat Example", "1980-04-02", "617 555 0199"),
                secrets.keySet().stream()).flatMap(n -> n).toList();
        // a hit names its needle: say which secret it was, not the secret itself
        List<String> hits = LogLeakScan.find(logDir, needles).stream().map(hit -> {
            String named = hit;
            for (var secret : secrets.entrySet()) {
                named = named.replace(secret.getKey(), secret.getValue());
            }
            return named;
        }).toList();
        assertThat(hits).as("log lines with PHI or secrets").isEmpty();
        assertThat(Files.exists(logDir.resolve("web.log")) && Files.exists(logDir.resolve("auth-server.log")))
                .as("web's and the authorization server's logs were scanned too").isTrue();
    }

    /** The access token web's pass-through currently sends (recorded for the leak scan). */
    private static String webToken() {
        String token = web.getBean(ServiceCredentials.class).authorization("booking").orElseThrow()
                .substring("Bearer ".length());
        webTokens.add(token);
        return token;
    }

    /** A JWT's claims as JSON text (no signature check: the services check it). */
    private static String claims(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * One direct call to a service, as a client without the pages would make it.
     *
     * @param authorization the {@code Authorization} value, or null for none
     */
    private static HttpResponse<String> send(String method, String url, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/fhir+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/fhir+json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
            testTokens.add(authorization.substring("Bearer ".length()));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A refusal the edge answers: the status, a Bearer challenge on 401, an OperationOutcome with the issue code. */
    private static void assertRefused(HttpResponse<String> answer, int status, String code) throws IOException {
        assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/fhir+json"));
        if (status == 401) {
            assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        }
        JsonNode outcome = JSON.readTree(answer.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").path(0).path("code").asText()).isEqualTo(code);
    }

    private void searchByZip(WebDriver driver) {
        driver.get(webUrl);
        waitFor(driver, By.cssSelector("input[name=place][value=zip]")).click();
        WebElement zip = driver.findElement(By.id("place-text"));
        zip.clear();
        zip.sendKeys("02139");
        new Select(driver.findElement(By.id("patient"))).selectByValue("new");
        driver.findElement(By.id("search-button")).click();
    }

    private static By slotItem(String slotId) {
        return By.cssSelector("li[data-slot-id='" + slotId + "']");
    }

    private static WebElement waitFor(WebDriver driver, By by) {
        return eventually().until(() -> driver.findElement(by), e -> e.isDisplayed());
    }

    /** Clicks the element, finding it afresh until the click lands: the pages re-render on live events. */
    private static void click(WebDriver driver, By by) {
        eventually().until(() -> {
            driver.findElement(by).click();
            return true;
        });
    }

    /**
     * A wait that outlasts re-renders: the live stream may replace any element between finding and reading it
     * (stale element) or briefly remove it (no such element), so those count as "not yet", not as failures.
     */
    private static ConditionFactory eventually() {
        return await().atMost(STEP).ignoreExceptionsInstanceOf(WebDriverException.class);
    }

    /** axe-core in the page: no serious or critical violation of WCAG 2.0/2.1 A and AA rules. */
    private static void assertAccessible(WebDriver driver, String page) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(axe);
        Object violations = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                  .catch(e => done(['axe failed: ' + e]));""");
        assertThat((List<?>) violations).as("serious/critical accessibility violations on the " + page + " page").isEmpty();
    }

    private static void report(String what, long value) throws IOException {
        String line = what + ": " + value + System.lineSeparator();
        System.out.print("WebFlowBrowserTest " + line);
        Files.writeString(SCREENSHOTS.resolve("timings.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static void snap(WebDriver driver, String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** With {@code -Dslotstream.update-docs=true}: the README's three screenshots into docs/. */
    private static void publishScreenshots() throws IOException {
        if (!Boolean.getBoolean("slotstream.update-docs")) {
            return;
        }
        for (String[] pair : new String[][]{{"01-discovery", "web-discovery"}, {"02-portal", "web-portal"}, {"09-status", "web-status"}}) {
            Files.copy(SCREENSHOTS.resolve(pair[0] + ".png"), PROJECT.resolve("docs").resolve(pair[1] + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,1000", "--disable-extensions", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /**
     * One clinic with a position (for the map), one PractitionerRole, one Schedule of both, three free slots two days ahead at
     * 10:00, 10:30 and 11:00 New York standard time whose booking deep link is this web app's portal, and one Slot
     * that ingest-service refuses (a dead letter); written with the launcher's source client's token.
     */
    private static void writeClinic() throws Exception {
        put("""
                {"resourceType":"Location","id":"clinic","name":"Web Test Clinic","telecom":[{"system":"phone","value":"+1-617-555-0100"}],
                 "address":{"line":["1 Main St"],"city":"Cambridge","state":"MA","postalCode":"02139"},
                 "position":{"latitude":42.3656,"longitude":-71.1040}}""");
        put("""
                {"resourceType":"PractitionerRole","id":"ada","practitioner":{"reference":"Practitioner/ada","display":"Dr. Ada Web"},
                 "location":[{"reference":"Location/clinic"}]}""");
        put("""
                {"resourceType":"Schedule","id":"sch","actor":[{"reference":"Location/clinic","display":"Web Test Clinic"},
                  {"reference":"PractitionerRole/ada","display":"Dr. Ada Web"}],
                 "serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"124","display":"General Practice"}]}]}""");
        OffsetDateTime day = OffsetDateTime.now(ZoneOffset.ofHours(-5)).plusDays(2).truncatedTo(ChronoUnit.DAYS).withHour(10);
        for (int i = 1; i <= 3; i++) {
            OffsetDateTime start = day.plusMinutes(30L * (i - 1));
            String id = "slot-" + i;
            put("""
                    {"resourceType":"Slot","id":"%s","schedule":{"reference":"Schedule/sch"},"status":"free","start":"%s","end":"%s",
                     "extension":[
                      {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link","valueUrl":"%sportal.html?slot=%s.%s"},
                      {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone","valueContactPoint":{"system":"phone","value":"+1-617-555-0100"}},
                      {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type","valueCoding":{"system":"http://terminology.hl7.org/CodeSystem/accepting-patients","code":"newpt"}}]}"""
                    .formatted(id, FHIR.format(start), FHIR.format(start.plusMinutes(30)), webUrl, SOURCE, id));
        }
        // A batch entry without a schedule: refused, and recorded on the dead-letter topic.
        HttpResponse<String> batch = send("POST", services.url("ingest-service") + "/fhir", """
                {"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Slot","id":"broken","status":"free"},
                  "request":{"method":"PUT","url":"Slot/broken"}}]}""", "Bearer " + sourceClient.get());
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(batch.body()).doesNotContain("\"status\":\"201");
        // the search stays open in token mode (slotstream.security.search-access: open)
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", services.url("availability-service")
                + "/fhir/Slot?schedule=" + SOURCE + ".sch&_total=accurate", null, null).body().contains("\"total\":3"));
    }

    /** {@code PUT [ingest]/fhir/<type>/<id>} as the launcher's source client (its token names source {@value #SOURCE}). */
    private static void put(String resource) throws Exception {
        JsonNode parsed = JSON.readTree(resource);
        HttpResponse<String> answer = send("PUT", services.url("ingest-service") + "/fhir/" + parsed.path("resourceType").asText()
                + "/" + parsed.path("id").asText(), resource, "Bearer " + sourceClient.get());
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 201);
    }
}
