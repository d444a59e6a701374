package io.slotstream.ingest.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.FeedSubscription;
import io.slotstream.ingest.intake.IntakeService;
import io.slotstream.ingest.intake.PreparedWrite;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.intake.WriteResult;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One poll of one feed, as a good Slot Discovery Client and aggregator does it (spec §3, §9, sched-6/7/8; field notes):
 * manifest (conditional, with {@code _since} after a successful poll, a full snapshot at least every
 * {@code full-snapshot-every}), then each file in reference order (Location, Practitioner, PractitionerRole,
 * HealthcareService, Schedule, Slot), streamed line by line; each line repaired by {@link FeedNormalizer} and written
 * THROUGH the intake path ({@link ResourcePreparer} + {@link IntakeService}: validation, STU1 normalisation, canonical
 * ids, ordering and dead letters stay there) in transactions of {@code batch-size}. A line that cannot be used goes to
 * {@code ingest.dead-letter.v1} with feed, file, line number and reason; the rest of the file still loads. A file that
 * fails (404, broken body, timeout) only fails itself.
 *
 * <p>Removals: after a full snapshot, a resource the feed delivered before and no longer lists is deleted (tombstone)
 * only when the file it came from was read successfully now, or is no longer listed in the manifest. An incremental
 * answer applies its {@code deleted} entries instead. Thread-safe (each call holds the feed's monitor).
 */
final class FeedPoller {

    private static final Logger log = LoggerFactory.getLogger(FeedPoller.class);
    private static final List<String> TYPE_ORDER = List.of("Location", "Practitioner", "PractitionerRole",
            "HealthcareService", "Schedule", "Slot");
    private static final long MAX_MANIFEST_BYTES = 64L * 1024 * 1024;

    private final FeedHttp http;
    private final FeedNormalizer normalizer;
    private final ResourcePreparer preparer;
    private final IntakeService intake;
    private final FeedMetrics metrics;
    private final FeedProperties.Polling settings;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final LinePreparation preparation;

    /**
     * @param preparation spreads the per-line work (JSON parse, intake preparation) of every feed over the cores
     */
    FeedPoller(FeedHttp http, FeedNormalizer normalizer, ResourcePreparer preparer, IntakeService intake,
               FeedMetrics metrics, FeedProperties.Polling settings, Clock clock, LinePreparation preparation) {
        this.http = http;
        this.normalizer = normalizer;
        this.preparer = preparer;
        this.intake = intake;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.preparation = preparation;
    }

    /** Polls the feed once and updates its state and status; never throws for a publisher's failure. */
    void poll(FeedState state) {
        synchronized (state) {
            Poll poll = new Poll(state);
            try {
                poll.run();
            } catch (RuntimeException e) {
                poll.fail("poll failed: " + e);
                log.warn("feed {}: poll failed", state.subscription.getSource(), e);
            } finally {
                poll.finish();
            }
        }
    }

    /** Withdraws every Slot the feed delivered (tombstones) and forgets the validators so a live feed is re-read. */
    void withdraw(FeedState state) {
        synchronized (state) {
            FeedSubscription sub = state.subscription;
            List<String> slots = state.inventory.keySet().stream().filter(k -> k.startsWith("Slot/")).toList();
            Writes writes = new Writes(sub.getSource());
            for (String key : slots) {
                writes.delete(key);
            }
            writes.flushAndAwait();
            // Re-listed slots must order after these tombstones (the intake's ordering rule): stamp them later.
            state.stampFloor = clock.instant().plusMillis(1);
            slots.forEach(state.inventory::remove);
            state.validators.clear();
            state.lastFullAt = null;
            state.withdrawn = true;
            state.countResources();
            log.warn("feed {}: stale since {}; {} slots withdrawn from the publication", sub.getSource(), state.lastChangeAt, slots.size());
        }
    }

    /** The state of one poll run. */
    private final class Poll {
        final FeedState state;
        final FeedSubscription sub;
        final String source;
        final Instant started = clock.instant();
        final FeedWarnings warnings = new FeedWarnings();
        final Writes writes;
        final List<FeedState.FileOutcome> files = new ArrayList<>();
        final Map<String, FeedState.Held> seen = new HashMap<>();
        final FeedNormalizer.PollState pollState = new FeedNormalizer.PollState();
        long rejects;
        boolean failed;
        boolean allFilesOk = true;
        boolean moved;
        String error;
        String mode;

        Poll(FeedState state) {
            this.state = state;
            this.sub = state.subscription;
            this.source = sub.getSource();
            this.writes = new Writes(source);
        }

        void run() {
            // _since only while the publisher honours it; otherwise conditional requests do the saving.
            boolean since = state.lastTransactionTime != null && state.lastFullAt != null && !state.sinceIgnored
                    && Duration.between(state.lastFullAt, started).compareTo(settings.fullSnapshotEvery()) < 0;
            String manifestUrl = since ? withSince(sub.getUrl(), state.lastTransactionTime) : sub.getUrl();
            JsonNode document;
            FeedHttp.Fetched fetched;
            try {
                fetched = http.get(manifestUrl, headers(), since ? null : state.validators.get(sub.getUrl()));
                if (fetched.notModified()) {
                    mode = "not-modified";
                    return;
                }
                try (InputStream body = fetched.body()) {
                    document = json.readTree(body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_MANIFEST_BYTES)));
                }
            } catch (IOException e) {
                fail("manifest " + manifestUrl + ": " + e.getMessage());
                return;
            }
            Manifest manifest;
            try {
                manifest = Manifest.parse(document, sub.getUrl(), warnings);
            } catch (IllegalArgumentException e) {
                fail("manifest " + manifestUrl + ": " + e.getMessage());
                return;
            }
            boolean incremental = since && manifest.incremental();
            if (since && !incremental) {
                warnings.add(FeedWarning.SINCE_IGNORED);
                state.sinceIgnored = true;
            }
            Instant transactionTime = manifest.transactionTime() == null ? started : manifest.transactionTime();
            moved = !transactionTime.equals(state.lastTransactionTime);
            if (state.lastTransactionTime != null) {
                if (transactionTime.isBefore(state.lastTransactionTime)) {
                    warnings.add(FeedWarning.TRANSACTION_TIME_WENT_BACK);
                } else if (transactionTime.equals(state.lastTransactionTime) && !incremental) {
                    warnings.add(FeedWarning.TRANSACTION_TIME_UNCHANGED);
                    if (state.withdrawn) {
                        mode = "withdrawn-unchanged"; // the same frozen data: keep it withdrawn
                        return;
                    }
                }
            }
            // meta.lastUpdated of resources without one: never earlier than what this feed stamped before.
            Instant stamp = state.stampFloor != null && state.stampFloor.isAfter(transactionTime) ? state.stampFloor : transactionTime;
            mode = incremental ? "incremental" : "full";
            pollState.referenceTargetsComplete = !incremental;
            List<Manifest.Output> outputs = new ArrayList<>(manifest.outputs());
            outputs.sort(Comparator.comparingInt(o -> TYPE_ORDER.contains(o.type()) ? TYPE_ORDER.indexOf(o.type()) : TYPE_ORDER.size()));
            Set<String> listedFiles = new HashSet<>();
            Set<String> okFiles = new HashSet<>();
            for (Manifest.Output output : outputs) {
                if (!TYPE_ORDER.contains(output.type())) {
                    warnings.add(FeedWarning.UNSUPPORTED_TYPE);
                    files.add(new FeedState.FileOutcome(output.url(), output.type(), "skipped", 0, "type not ingested"));
                    continue;
                }
                String fileKey = fileKey(output.url());
                listedFiles.add(fileKey);
                if (readFile(output, fileKey, transactionTime, stamp)) {
                    okFiles.add(fileKey);
                } else {
                    allFilesOk = false;
                }
            }
            if (incremental) {
                for (Manifest.Output deleted : manifest.deleted()) {
                    applyDeletions(deleted);
                }
                state.inventory.putAll(seen);
            } else {
                removeMissing(listedFiles, okFiles);
            }
            writes.flushAndAwait();
            if ((fetched.etag() != null || fetched.lastModified() != null) && !incremental && allFilesOk) {
                state.validators.put(sub.getUrl(), new FeedHttp.Validators(fetched.etag(), fetched.lastModified()));
            }
            state.lastTransactionTime = transactionTime;
            state.stampFloor = stamp;
            if (!incremental && allFilesOk) {
                state.lastFullAt = started;
            }
            if (!allFilesOk) {
                error = files.stream().filter(f -> "failed".equals(f.outcome())).map(f -> f.url() + ": " + f.error())
                        .findFirst().orElse("a file failed");
            }
        }

        /** @return true when the file was read to its end (or answered 304) */
        private boolean readFile(Manifest.Output output, String fileKey, Instant transactionTime, Instant stamp) {
            String url = output.url();
            String feedBase = feedBase(sub.getUrl());
            long lines = 0;
            try (FeedHttp.Fetched fetched = http.get(url, headers(), state.validators.get(url))) {
                if (fetched.notModified()) {
                    state.inventory.forEach((key, held) -> {
                        if (held.file().equals(fileKey)) {
                            seen.put(key, held);
                            if (key.startsWith("Location/")) {
                                pollState.locations.add(key.substring("Location/".length()));
                            } else if (key.startsWith("Schedule/")) {
                                pollState.schedules.add(key.substring("Schedule/".length()));
                            }
                        }
                    });
                    files.add(new FeedState.FileOutcome(url, output.type(), "not-modified", 0, null));
                    return true;
                }
                String contentType = fetched.contentType();
                if (contentType != null && !contentType.contains("ndjson") && !contentType.contains("json")
                        && !contentType.startsWith("text/plain")) {
                    warnings.add(FeedWarning.UNEXPECTED_CONTENT_TYPE);
                }
                NdjsonLines reader = new NdjsonLines(fetched.body(), settings.maxLineSize().toBytes());
                FileLines chunk = new FileLines(output, fileKey, contentType, feedBase, transactionTime, stamp);
                NdjsonLines.Line line;
                while ((line = reader.next()) != null) {
                    lines++;
                    if (chunk.add(line)) {
                        chunk.process();
                    }
                }
                chunk.process();
                writes.flushAndAwait(); // the file is ok only once everything it delivered is committed
                state.validators.put(url, new FeedHttp.Validators(fetched.etag(), fetched.lastModified()));
                files.add(new FeedState.FileOutcome(url, output.type(), "ok", lines, null));
                return true;
            } catch (IOException | RuntimeException e) {
                try {
                    writes.flushAndAwait(); // what was read and valid still counts
                } catch (RuntimeException flushFailed) {
                    e.addSuppressed(flushFailed);
                }
                state.validators.remove(url);
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                files.add(new FeedState.FileOutcome(url, output.type(), "failed", lines, message));
                log.warn("feed {}: file {} failed after {} lines: {}", source, url, lines, message);
                return false;
            }
        }

        /**
         * Lines of one file, handled a chunk at a time: JSON parse and intake preparation (validation, mapping) run on
         * every core ({@link LinePreparation}); the feed's repairs ({@link FeedNormalizer}, which counts across the
         * poll) and the hand-over to the writes stay on this thread, in line order, so what is written, counted and
         * dead-lettered is exactly what a line-by-line read gives.
         */
        private final class FileLines {
            private final Manifest.Output output;
            private final String fileKey;
            private final String contentType;
            private final String feedBase;
            private final Instant transactionTime;
            private final Instant stamp;
            private final List<NdjsonLines.Line> lines = new ArrayList<>(LinePreparation.CHUNK);
            private final JsonNode[] nodes = new JsonNode[LinePreparation.CHUNK];
            private final String[] parseErrors = new String[LinePreparation.CHUNK];
            private final FeedNormalizer.Normalized[] normalized = new FeedNormalizer.Normalized[LinePreparation.CHUNK];
            private final PreparedWrite[] prepared = new PreparedWrite[LinePreparation.CHUNK];
            private final IntakeException[] refused = new IntakeException[LinePreparation.CHUNK];
            /** resourceType and id as the line had them, before the repairs (for dead letters) */
            private final String[] types = new String[LinePreparation.CHUNK];
            private final String[] ids = new String[LinePreparation.CHUNK];

            FileLines(Manifest.Output output, String fileKey, String contentType, String feedBase, Instant transactionTime,
                      Instant stamp) {
                this.output = output;
                this.fileKey = fileKey;
                this.contentType = contentType;
                this.feedBase = feedBase;
                this.transactionTime = transactionTime;
                this.stamp = stamp;
            }

            /** @return true when the chunk is full (process it) */
            boolean add(NdjsonLines.Line line) {
                lines.add(line);
                return lines.size() == LinePreparation.CHUNK;
            }

            void process() {
                int n = lines.size();
                if (n == 0) {
                    return;
                }
                preparation.run(n, this::parse);
                for (int i = 0; i < n; i++) {
                    normalize(i);
                }
                preparation.run(n, this::prepare);
                for (int i = 0; i < n; i++) {
                    handOver(i);
                }
                lines.clear();
                Arrays.fill(nodes, null);
                Arrays.fill(parseErrors, null);
                Arrays.fill(normalized, null);
                Arrays.fill(prepared, null);
                Arrays.fill(refused, null);
                Arrays.fill(types, null);
                Arrays.fill(ids, null);
            }

            private void parse(int i) {
                NdjsonLines.Line line = lines.get(i);
                if (line.tooLong()) {
                    return;
                }
                try {
                    nodes[i] = json.readTree(line.text());
                } catch (JsonProcessingException e) {
                    parseErrors[i] = e.getOriginalMessage();
                }
            }

            private void normalize(int i) {
                NdjsonLines.Line line = lines.get(i);
                if (line.tooLong()) {
                    deadLetter(output, line, null, null, "line longer than " + settings.maxLineSize().toBytes() + " bytes (first bytes kept)", null, null, contentType);
                    return;
                }
                if (parseErrors[i] != null) {
                    deadLetter(output, line, null, null, "invalid JSON: " + parseErrors[i], "RFC 8259 / NDJSON", null, contentType);
                    return;
                }
                if (!(nodes[i] instanceof ObjectNode resource)) {
                    deadLetter(output, line, null, null, "not a JSON object", "NDJSON: one resource per line", null, contentType);
                    return;
                }
                types[i] = resource.path("resourceType").asText(null);
                ids[i] = resource.path("id").asText(null);
                try {
                    normalized[i] = normalizer.normalize(resource, source, feedBase, stamp, transactionTime, warnings, pollState);
                } catch (FeedNormalizer.UnusableLine e) {
                    deadLetter(output, line, types[i], ids[i], e.getMessage(), null, null, contentType);
                    return;
                }
                if (normalized[i] != null && !normalized[i].kind().fhirType().equals(output.type())) {
                    warnings.add(FeedWarning.OUTPUT_TYPE_MISMATCH);
                }
            }

            private void prepare(int i) {
                FeedNormalizer.Normalized n = normalized[i];
                if (n == null) {
                    return;
                }
                try {
                    prepared[i] = preparer.upsertRecord(source, n.resource(), n.resource()::toString, lines.get(i).bytes(),
                            n.kind(), n.localId(), Map.of(), clock.instant());
                } catch (IntakeException e) {
                    refused[i] = e;
                }
            }

            private void handOver(int i) {
                FeedNormalizer.Normalized n = normalized[i];
                if (n == null) {
                    return;
                }
                if (refused[i] != null) {
                    List<Issue> issues = refused[i].issues();
                    Issue first = issues.getFirst();
                    String reason = issues.size() == 1 ? first.message() : first.message() + " (and " + (issues.size() - 1) + " more)";
                    deadLetter(output, lines.get(i), types[i], ids[i], reason, first.rule(), first.expression(), contentType);
                    return;
                }
                String key = n.kind().fhirType() + "/" + n.localId();
                if (seen.containsKey(key) && seen.get(key).file() != null && writes.pendingOrWritten(key)) {
                    warnings.add(FeedWarning.DUPLICATE_RESOURCE);
                }
                seen.put(key, new FeedState.Held(fileKey, n.localId().equals(n.publisherId()) ? null : n.publisherId()));
                writes.upsert(key, prepared[i]);
            }
        }

        private void deadLetter(Manifest.Output output, NdjsonLines.Line line, String type, String id, String reason,
                                String rule, String expression, String contentType) {
            rejects++;
            writes.deadLetter(DeadLetter.newBuilder()
                    .setSource(source)
                    .setResourceType(type)
                    .setResourceId(id)
                    .setPayload(line.text())
                    .setContentType(contentType)
                    .setReason(reason)
                    .setRule(rule)
                    .setExpression(expression)
                    .setReceivedAt(clock.instant())
                    .setFeedUrl(sub.getUrl())
                    .setFileUrl(output.url())
                    .setLineNumber(line.number())
                    .build());
        }

        /** Full snapshot: delete what is gone, but only where the file it came from was read (or is no longer listed). */
        private void removeMissing(Set<String> listedFiles, Set<String> okFiles) {
            Map<String, FeedState.Held> next = new HashMap<>(seen);
            for (Map.Entry<String, FeedState.Held> entry : state.inventory.entrySet()) {
                if (seen.containsKey(entry.getKey())) {
                    continue;
                }
                String file = entry.getValue().file();
                if (okFiles.contains(file) || !listedFiles.contains(file)) {
                    writes.delete(entry.getKey());
                } else {
                    next.put(entry.getKey(), entry.getValue()); // its file failed: keep what it delivered before
                }
            }
            state.inventory = next;
        }

        /** Bulk Data style deletions: NDJSON of Bundles whose entries are {@code DELETE Type/id} (the publisher's ids). */
        private void applyDeletions(Manifest.Output deleted) {
            Map<String, Set<String>> byType = new HashMap<>();
            try (FeedHttp.Fetched fetched = http.get(deleted.url(), headers(), null)) {
                if (fetched.notModified()) {
                    return;
                }
                NdjsonLines reader = new NdjsonLines(fetched.body(), settings.maxLineSize().toBytes());
                NdjsonLines.Line line;
                while ((line = reader.next()) != null) {
                    if (line.tooLong()) {
                        continue;
                    }
                    for (JsonNode entry : json.readTree(line.text()).path("entry")) {
                        String url = entry.path("request").path("url").asText("");
                        int slash = url.indexOf('/');
                        if ("DELETE".equals(entry.path("request").path("method").asText()) && slash > 0) {
                            byType.computeIfAbsent(url.substring(0, slash), t -> new HashSet<>()).add(url.substring(slash + 1));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                allFilesOk = false;
                files.add(new FeedState.FileOutcome(deleted.url(), "deleted", "failed", 0, String.valueOf(e.getMessage())));
                return;
            }
            List<String> gone = new ArrayList<>();
            state.inventory.forEach((key, held) -> {
                int slash = key.indexOf('/');
                Set<String> ids = byType.get(key.substring(0, slash));
                String publisherId = held.publisherId() == null ? key.substring(slash + 1) : held.publisherId();
                if (ids != null && ids.contains(publisherId) && !seen.containsKey(key)) {
                    gone.add(key);
                }
            });
            gone.forEach(key -> {
                writes.delete(key);
                state.inventory.remove(key);
            });
            files.add(new FeedState.FileOutcome(deleted.url(), "deleted", "ok", gone.size(), null));
        }

        void fail(String message) {
            failed = true;
            error = message;
        }

        void finish() {
            try {
                writes.flushAndAwait();
            } catch (RuntimeException e) {
                fail("writing to Kafka failed: " + e.getMessage());
            }
            Instant now = clock.instant();
            state.lastMode = mode;
            state.lastFiles = List.copyOf(files);
            state.lastWarnings = warnings.byCode();
            state.lastWrites = writes.counts();
            state.lastRejects = rejects;
            state.totalRejects += rejects;
            boolean ok = !failed && allFilesOk;
            state.lastError = ok ? null : error;
            if ((writes.changed() > 0 || moved) && !failed) {
                state.lastChangeAt = now;
                if (state.withdrawn && mode != null && !mode.startsWith("withdrawn")) {
                    state.withdrawn = false;
                    log.info("feed {}: changed again; its slots are back", source);
                }
            }
            state.countResources();
            // The admin API reads lastPollAt, then lastSuccessAt, then the rest: written in the reverse order, whoever
            // sees this poll (or this success) also sees its counts and mode.
            if (ok) {
                state.consecutiveFailures = 0;
                state.lastSuccessAt = now;
            } else {
                state.consecutiveFailures++;
            }
            state.lastPollAt = started;
            metrics.polled(source, ok, warnings, rejects, writes.counts());
            log.info("feed {}: poll {} in {} ms: {}, writes {}, rejects {}, warnings {}{}", source, ok ? "ok" : "FAILED",
                    Duration.between(started, now).toMillis(), mode, writes.counts(), rejects, warnings.byCode(),
                    ok ? "" : " (" + error + ")");
        }

        private Map<String, String> headers() {
            return sub.getHeaders() == null ? Map.of() : sub.getHeaders();
        }
    }

    /** A batch handed to the intake, committing. */
    private record InFlight(CompletableFuture<List<WriteResult>> results, int deadLetters) {
    }

    /** Batches writes and dead letters through the intake path, pipelined; counts what happened. */
    private final class Writes {
        /** Batches committing while the next one is read: enough to keep the reader and the commit both busy. */
        private static final int IN_FLIGHT = 2;

        private final String source;
        private final LinkedHashMap<String, PreparedWrite> pending = new LinkedHashMap<>();
        private final List<DeadLetter> deadLetters = new ArrayList<>();
        private final Set<String> written = new HashSet<>();
        private final Map<String, Long> counts = new TreeMap<>();
        private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

        Writes(String source) {
            this.source = source;
        }

        void upsert(String key, PreparedWrite write) {
            pending.put(key, write);
            maybeFlush();
        }

        void delete(String key) {
            int slash = key.indexOf('/');
            ResourceKind kind = ResourceKind.of(key.substring(0, slash)).orElseThrow();
            pending.put(key, preparer.delete(source, kind, key.substring(slash + 1)));
            maybeFlush();
        }

        void deadLetter(DeadLetter letter) {
            deadLetters.add(letter);
            maybeFlush();
        }

        boolean pendingOrWritten(String key) {
            return pending.containsKey(key) || written.contains(key);
        }

        private void maybeFlush() {
            if (pending.size() + deadLetters.size() >= settings.batchSize()) {
                flush();
            }
        }

        /**
         * Hands what is pending to the intake without waiting for its commit (the file reads on meanwhile), then waits
         * until at most {@value #IN_FLIGHT} batches are still committing. The intake decides them in hand-over order.
         */
        void flush() {
            if (pending.isEmpty() && deadLetters.isEmpty()) {
                return;
            }
            List<PreparedWrite> batch = new ArrayList<>(pending.values());
            List<DeadLetter> letters = new ArrayList<>(deadLetters);
            pending.clear();
            deadLetters.clear();
            if (written.size() < 2_000_000) {
                batch.forEach(w -> written.add(w.kind().fhirType() + "/" + w.sourceId()));
            }
            // Hand over first, then wait: an earlier batch's failure must not keep this one from being written.
            inFlight.add(new InFlight(intake.commitAsync(source, batch, letters, System.nanoTime(), true), letters.size()));
            while (inFlight.size() > IN_FLIGHT) {
                awaitOldest();
            }
        }

        /** Flushes and waits until everything handed over is committed. */
        void flushAndAwait() {
            flush();
            await();
        }

        /**
         * Waits until every batch handed over is committed and counted.
         *
         * @throws RuntimeException the first failure of those batches (they were not written; later ones may be)
         */
        void await() {
            RuntimeException failure = null;
            while (!inFlight.isEmpty()) {
                try {
                    awaitOldest();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private void awaitOldest() {
            InFlight oldest = inFlight.poll();
            List<WriteResult> results;
            try {
                results = oldest.results().join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            for (WriteResult r : results) {
                counts.merge(r.status().name().toLowerCase(), 1L, Long::sum);
            }
            if (oldest.deadLetters() > 0) {
                counts.merge("dead-letters", (long) oldest.deadLetters(), Long::sum);
            }
        }

        long changed() {
            return counts.getOrDefault("created", 0L) + counts.getOrDefault("updated", 0L) + counts.getOrDefault("deleted", 0L);
        }

        Map<String, Long> counts() {
            return Map.copyOf(counts);
        }
    }

    static String withSince(String url, Instant since) {
        return url + (url.contains("?") ? "&" : "?") + "_since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8);
    }

    /** The URL without its query string: signed URLs change their query per publication, the file stays the same. */
    static String fileKey(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** The manifest URL up to its last {@code /} (no query): the base of the feed's {@code meta.source} values. */
    static String feedBase(String manifestUrl) {
        String path = fileKey(manifestUrl);
        return path.substring(0, path.lastIndexOf('/') + 1);
    }
}
