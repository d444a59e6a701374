package io.slotstream.bench.generator;

import io.slotstream.bench.core.BenchOptions;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * {@code generate}: writes a generated health system as a publication folder ({@link PublicationWriter}) that
 * {@code SampleFeedLoader} can load, and optionally {@code changes.ndjson}: {@code --changes N} transaction Bundles,
 * one per change, each with {@code Bundle.timestamp} = when it is due at {@code --rate} changes/s from the manifest
 * time. Options: {@code --out DIR} (required), {@code --size}, {@code --seed}, {@code --start YYYY-MM-DD} (default
 * next Monday), {@code --base-url}.
 */
public final class GenerateCommand {

    private GenerateCommand() {
    }

    /** @return the human summary; @throws IllegalArgumentException when --out is missing */
    public static String run(BenchOptions options) throws IOException {
        String out = options.string("out", null);
        if (out == null) {
            throw new IllegalArgumentException("generate needs --out DIR");
        }
        String start = options.string("start", null);
        GeneratorConfig config = start == null ? GeneratorConfig.fromNextMonday(options.size(), options.seed())
                : new GeneratorConfig(options.size(), options.seed(), LocalDate.parse(start));
        HealthSystem system = new HealthSystem(config);
        long t0 = System.nanoTime();
        PublicationWriter.Result result = new PublicationWriter(system,
                options.string("base-url", "http://127.0.0.1:8083/bench-data/")).write(Path.of(out));
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
                "wrote %s: %s, %,d bytes in %d files, %.1f s (%,.0f slots/s); size %s, seed %d, start %s%n",
                result.folder(), result.resourcesByType(), result.bytes(), result.files(), seconds,
                result.resourcesByType().getOrDefault("Slot", 0L) / seconds, config.size().name(), config.seed(),
                config.startDate()));
        int changes = options.integer("changes", 0);
        if (changes > 0) {
            double rate = options.number("rate", 500);
            ChangeStream stream = new ChangeStream(system, config.seed(), ChangeStream.Mix.DEFAULT);
            Instant base = Instant.now();
            long entries = 0;
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(Path.of(out, "changes.ndjson")))) {
                for (int i = 0; i < changes; i++) {
                    Change change = stream.next();
                    entries += change.entries().size();
                    String bundle = new String(TransactionBundles.change(change), java.nio.charset.StandardCharsets.UTF_8);
                    String due = base.plusNanos((long) (i * 1e9 / rate)).toString();
                    // Bundle.timestamp: when this change is due at the requested rate
                    file.write(bundle.replaceFirst("\"type\":\"transaction\"",
                            "\"type\":\"transaction\",\"timestamp\":\"" + due + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    file.write('\n');
                }
            }
            summary.append(String.format(Locale.ROOT, "wrote %s/changes.ndjson: %,d changes (%,d entries) due at %.0f/s%n",
                    out, changes, entries, rate));
        }
        return summary.toString();
    }
}
