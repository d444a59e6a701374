package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The launcher's SMART Scheduling Links publisher on loopback: serves publication folders (the shipped sample feeds,
 * a generated one) as {@code http://host:port/feeds/<source>/$bulk-publish} plus their NDJSON files, the way a
 * publisher does (sched-2/3/5/7/8: same body with or without {@code Accept}, {@code Cache-Control: max-age},
 * {@code ETag}/{@code Last-Modified} with 304, gzip, {@code _since} accepted and answered with the full snapshot).
 *
 * <p>Dates are rebased on the fly (issue 10, deliverable 3): every date of a feed moves by the same whole number of
 * weeks, chosen so that its earliest Slot starts after the server started; weekdays, times and the offsets as written
 * stay (the date part of each timestamp moves, nothing else). The files on disk are not changed. The manifest's
 * {@code transactionTime} is when this server's copy last changed (start, or a source-side change such as
 * {@link #book}). Files are streamed line by line, so a generated health system of millions of slots is served in
 * constant memory. Thread-safe.
 */
public final class SampleFeedServer implements AutoCloseable {

    private static final Pattern DATE_VALUE = Pattern.compile("\"(\\d{4}-\\d{2}-\\d{2})((?:T[0-9:.]+(?:Z|[+-]\\d{2}:\\d{2})?)?)\"");
    private static final Pattern SLOT_START = Pattern.compile("\"start\"\\s*:\\s*\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.util.concurrent.atomic.LongAdder bodyBytes = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();

    /** One served publication folder. */
    private final class Feed {
        final String source;
        final Path folder;
        final long weeks;
        final Map<String, String> fileByName = new LinkedHashMap<>();
        final Map<String, String> typeByName = new LinkedHashMap<>();
        final Map<String, String> statusOverrides = new ConcurrentHashMap<>();
        final Set<String> removed = ConcurrentHashMap.newKeySet();
        volatile Instant changedAt;
        volatile long version;

        Feed(String source, Path folder, boolean rebase, Instant now) {
            this.source = source;
            this.folder = folder;
            this.changedAt = now.truncatedTo(ChronoUnit.SECONDS);
            readManifest();
            this.weeks = rebase ? weeksToShift(now) : 0;
        }

        private void readManifest() {
            Path manifest = folder.resolve("$bulk-publish");
            try {
                if (Files.isRegularFile(manifest)) {
                    for (JsonNode output : JSON.readTree(manifest.toFile()).path("output")) {
                        String url = output.path("url").asText();
                        String name = url.substring(url.lastIndexOf('/') + 1);
                        if (!Files.isRegularFile(folder.resolve(name))) {
                            throw new StackException("the manifest " + manifest + " lists " + url + " but " + folder.resolve(name) + " is missing");
                        }
                        fileByName.put(name, name);
                        typeByName.put(name, output.path("type").asText());
                    }
                    return;
                }
                try (var listing = Files.list(folder)) {
                    for (Path p : listing.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
                        String name = p.getFileName().toString();
                        fileByName.put(name, name);
                        typeByName.put(name, firstType(p));
                    }
                }
            } catch (IOException e) {
                throw new StackException("cannot read the publication in " + folder + ": " + e.getMessage(), e);
            }
        }

        /** Whole weeks that move the earliest Slot start after {@code now} (0 when it already is). */
        private long weeksToShift(Instant now) {
            Instant earliest = null;
            for (var entry : typeByName.entrySet()) {
                if (!"Slot".equals(entry.getValue())) {
                    continue;
                }
                try (BufferedReader reader = Files.newBufferedReader(folder.resolve(entry.getKey()))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        Matcher m = SLOT_START.matcher(line);
                        if (m.find()) {
                            Instant start = OffsetDateTime.parse(m.group(1)).toInstant();
                            earliest = earliest == null || start.isBefore(earliest) ? start : earliest;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    throw new StackException("cannot read " + folder.resolve(entry.getKey()) + ": " + e.getMessage(), e);
                }
            }
            if (earliest == null || earliest.isAfter(now)) {
                return 0;
            }
            long days = Duration.between(earliest, now).toDays() + 1;
            return (days + 6) / 7;
        }

        String etag(String name) {
            return "\"" + Integer.toHexString((source + "|" + name + "|" + weeks + "|" + version).hashCode()) + "\"";
        }
    }

    private final HttpServer server;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final String host;

    private SampleFeedServer(HttpServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Starts serving on {@code host:port} (port 0 = any free one).
     *
     * @throws StackException when the port is taken
     */
    public static SampleFeedServer start(String host, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            SampleFeedServer feeds = new SampleFeedServer(server, host);
            server.createContext("/feeds/", feeds::handle);
            server.setExecutor(Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("sample-feed-server-", 0).factory()));
            server.start();
            return feeds;
        } catch (IOException e) {
            throw new StackException("the sample feed server cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serves the publication in {@code folder} as {@code source}, its dates rebased into the coming weeks when
     * {@code rebase}.
     *
     * @return its manifest URL
     */
    public String serve(String source, Path folder, boolean rebase) {
        Feed feed = new Feed(source, folder, rebase, Instant.now());
        feeds.put(source, feed);
        return manifestUrl(source);
    }

    public String manifestUrl(String source) {
        return "http://" + host + ":" + server.getAddress().getPort() + "/feeds/" + source + "/$bulk-publish";
    }

    /** @return by how many weeks the dates of {@code source} are moved */
    public long weeksShifted(String source) {
        return feed(source).weeks;
    }

    /** A source-side change: the publisher marks its Slot {@code slotId} busy (a booking made at the source). */
    public void book(String source, String slotId) {
        Feed feed = feed(source);
        feed.statusOverrides.put(slotId, "busy");
        changed(feed);
    }

    /** A source-side change: the publisher stops listing its Slot {@code slotId}. */
    public void remove(String source, String slotId) {
        Feed feed = feed(source);
        feed.removed.add(slotId);
        changed(feed);
    }

    /** @return the first Slot of {@code source} (publisher's JSON, rebased) with status {@code free}, if any */
    public Optional<JsonNode> firstFreeSlot(String source) {
        Feed feed = feed(source);
        for (var entry : feed.typeByName.entrySet()) {
            if (!"Slot".equals(entry.getValue())) {
                continue;
            }
            try (BufferedReader reader = Files.newBufferedReader(feed.folder.resolve(entry.getKey()))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String served = transform(feed, line);
                    if (served != null && served.contains("\"status\":\"free\"")) {
                        return Optional.of(JSON.readTree(served));
                    }
                }
            } catch (IOException e) {
                throw new StackException("cannot read " + entry.getKey() + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    private static void changed(Feed feed) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        feed.changedAt = now.isAfter(feed.changedAt) ? now : feed.changedAt.plusSeconds(1);
        feed.version++;
    }

    private Feed feed(String source) {
        Feed feed = feeds.get(source);
        if (feed == null) {
            throw new IllegalArgumentException("no feed '" + source + "' is served");
        }
        return feed;
    }

    /** @return response body bytes sent so far, as on the wire (after gzip; headers not counted) */
    public long bodyBytesServed() {
        return bodyBytes.sum();
    }

    /** @return requests answered so far (any status, 304s included) */
    public long requestsServed() {
        return requests.sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.increment();
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/", 4); // "", "feeds", source, file
            Feed feed = parts.length == 4 ? feeds.get(parts[2]) : null;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String name = parts.length == 4 ? parts[3] : "";
            if (feed == null || !(name.equals("$bulk-publish") || feed.fileByName.containsKey(name))) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String etag = feed.etag(name);
            var headers = exchange.getResponseHeaders();
            headers.set("ETag", etag);
            headers.set("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(feed.changedAt.atOffset(ZoneOffset.UTC)));
            headers.set("Cache-Control", "max-age=60");
            headers.set("Content-Type", name.equals("$bulk-publish") ? "application/json" : "application/fhir+ndjson");
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = encoding != null && encoding.contains("gzip");
            if (gzip) {
                headers.set("Content-Encoding", "gzip");
            }
            exchange.sendResponseHeaders(200, 0);
            OutputStream counted = new java.io.FilterOutputStream(exchange.getResponseBody()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bodyBytes.add(len);
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bodyBytes.increment();
                }
            };
            OutputStream body = gzip ? new GZIPOutputStream(counted, 65536) : counted;
            try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8), 65536)) {
                if (name.equals("$bulk-publish")) {
                    out.write(manifest(feed));
                } else {
                    writeFile(feed, name, out);
                }
            }
        }
    }

    private String manifest(Feed feed) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("transactionTime", feed.changedAt.toString());
        manifest.put("request", manifestUrl(feed.source));
        ArrayNode output = manifest.putArray("output");
        String base = manifestUrl(feed.source).replace("$bulk-publish", "");
        feed.fileByName.keySet().forEach(name -> output.addObject().put("type", feed.typeByName.get(name)).put("url", base + name));
        manifest.putArray("error");
        return manifest.toPrettyString();
    }

    private void writeFile(Feed feed, String name, BufferedWriter out) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(feed.folder.resolve(name))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String served = transform(feed, line);
                if (served != null) {
                    out.write(served);
                    out.write('\n');
                }
            }
        }
    }

    /** @return the line as served (rebased, source-side changes applied), or null when removed or blank */
    private static String transform(Feed feed, String line) throws IOException {
        if (line.isBlank()) {
            return null;
        }
        String served = feed.weeks == 0 ? line : rebase(line, feed.weeks);
        if (feed.statusOverrides.isEmpty() && feed.removed.isEmpty()) {
            return served;
        }
        JsonNode resource = JSON.readTree(served);
        String id = resource.path("id").asText();
        if (!"Slot".equals(resource.path("resourceType").asText())) {
            return served;
        }
        if (feed.removed.contains(id)) {
            return null;
        }
        String status = feed.statusOverrides.get(id);
        if (status != null) {
            ((ObjectNode) resource).put("status", status);
            return resource.toString();
        }
        return served;
    }

    /** Moves the date part of every date or timestamp string value by {@code weeks} weeks; the rest stays as written. */
    static String rebase(String line, long weeks) {
        Matcher m = DATE_VALUE.matcher(line);
        StringBuilder out = new StringBuilder(line.length());
        while (m.find()) {
            LocalDate date;
            try {
                date = LocalDate.parse(m.group(1));
            } catch (RuntimeException notADate) {
                continue;
            }
            m.appendReplacement(out, Matcher.quoteReplacement("\"" + date.plusWeeks(weeks) + m.group(2) + "\""));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private static String firstType(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    return JSON.readTree(line).path("resourceType").asText();
                }
            }
        }
        return "";
    }

    /** @return the sources served */
    public List<String> sources() {
        return List.copyOf(feeds.keySet());
    }
}
