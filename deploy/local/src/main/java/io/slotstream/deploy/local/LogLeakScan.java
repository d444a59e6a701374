package io.slotstream.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds secrets and patient data in log files (issue 16: no PHI or tokens in logs): every {@code *.log} file directly
 * in a directory (e.g. a {@link ServiceSet}'s log directory; its state sub-directories are data, not logs) is searched
 * line by line for each needle, e.g. {@link #TOKENS}
 * plus the patient names, birth dates and phone numbers a test used. Hits name the file, line number and needle, never
 * the line itself (the report must not repeat the leak).
 */
public final class LogLeakScan {

    /** What bearer tokens look like in text: a JWT's base64url header ({@code {"}...) and the HTTP scheme. */
    public static final List<String> TOKENS = List.of("eyJ", "Bearer ");

    private LogLeakScan() {
    }

    /**
     * @param dir     the directory whose {@code *.log} files are searched; a missing directory has no hits
     * @param needles the strings that must not occur (case-sensitive)
     * @return one {@code file:line: needle} entry per hit, in file order; empty when clean
     * @throws UncheckedIOException when a file cannot be read
     */
    public static List<String> find(Path dir, List<String> needles) {
        List<String> hits = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return hits;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".log"))
                    .sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1); // any bytes, never a decode error
                for (int i = 0; i < lines.size(); i++) {
                    for (String needle : needles) {
                        if (lines.get(i).contains(needle)) {
                            hits.add(file.getFileName() + ":" + (i + 1) + ": " + needle);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }
}
