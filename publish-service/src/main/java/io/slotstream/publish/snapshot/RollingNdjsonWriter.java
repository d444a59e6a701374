package io.slotstream.publish.snapshot;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes NDJSON lines of one type and group into {@code <base>.ndjson}, rolling over to {@code <base>-2.ndjson},
 * {@code <base>-3.ndjson}... after {@code maxLines} lines, so no file grows without bound (issue 6 item 1). Not
 * thread-safe. Files are fsynced on close: a snapshot is only published once all its bytes are durable.
 */
final class RollingNdjsonWriter implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final String prefix;
    private final String base;
    private final String type;
    private final int maxLines;
    private final List<PublishedFile> done = new ArrayList<>();
    private final TreeSet<String> states = new TreeSet<>();
    private OutputStream out;
    private Path path;
    private int part;
    private long lines;
    private long bytes;

    /**
     * @param dir    directory of the files
     * @param prefix prefix of the published relative path (e.g. {@code since-123/}), "" for none
     * @param base   file name without {@code .ndjson}, [A-Za-z0-9-]
     */
    RollingNdjsonWriter(Path dir, String prefix, String base, String type, int maxLines) {
        this.dir = dir;
        this.prefix = prefix;
        this.base = base;
        this.type = type;
        this.maxLines = maxLines;
    }

    /** Adds the state hints of the current file. */
    void states(String commaSeparated) {
        if (!commaSeparated.isEmpty()) {
            states.addAll(Arrays.asList(commaSeparated.split(",")));
        }
    }

    void write(byte[] line) throws IOException {
        if (out == null || lines >= maxLines) {
            roll();
        }
        out.write(line);
        out.write('\n');
        lines++;
        bytes += line.length + 1;
    }

    private void roll() throws IOException {
        finish();
        part++;
        path = dir.resolve(part == 1 ? base + ".ndjson" : base + "-" + part + ".ndjson");
        out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE_NEW), BUFFER);
    }

    private void finish() throws IOException {
        if (out == null) {
            return;
        }
        out.close();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        done.add(new PublishedFile(type, prefix + path.getFileName(), new ArrayList<>(states), lines, bytes));
        out = null;
        lines = 0;
        bytes = 0;
    }

    /** @return the files written, in order; only valid after {@link #close()} */
    List<PublishedFile> files() {
        return done;
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
