package io.slotstream.publish.snapshot;

import io.slotstream.publish.store.StoreView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A published snapshot: its immutable files on disk and the store view it was cut from, which stays open while the
 * snapshot is served so that {@code _since} answers come from exactly this point in time. Thread-safe.
 */
public final class LiveSnapshot {

    private final String id;
    private final Path dir;
    private final List<PublishedFile> files;
    private final StoreView view;
    private final DeltaWriter deltas;
    private final Map<Long, Delta> answered = new ConcurrentHashMap<>();

    LiveSnapshot(String id, Path dir, List<PublishedFile> files, StoreView view, DeltaWriter deltas) {
        this.id = id;
        this.dir = dir;
        this.files = List.copyOf(files);
        this.view = view;
        this.deltas = deltas;
    }

    /** @return the snapshot id, the digits of its transaction time in epoch ms; the URL segment of its files */
    public String id() {
        return id;
    }

    /** @return S, UTC epoch ms: every change up to it is in this snapshot, none after */
    public long transactionTime() {
        return view.transactionTime();
    }

    /** @return the earliest {@code _since} this snapshot answers incrementally, UTC epoch ms */
    public long horizon() {
        return view.horizon();
    }

    /** @return the full publication's files, in manifest order */
    public List<PublishedFile> files() {
        return files;
    }

    /** @return the snapshot directory */
    public Path dir() {
        return dir;
    }

    /**
     * The incremental answer for {@code _since=since}, written once per distinct value and then reused. A value after
     * S is clamped to S (no changes).
     *
     * @throws IllegalArgumentException when since is before {@link #horizon()}: answer with the full publication
     */
    public Delta delta(long since) {
        if (since < horizon()) {
            throw new IllegalArgumentException("_since " + since + " is before the retained history " + horizon());
        }
        long clamped = Math.min(since, transactionTime());
        return answered.computeIfAbsent(clamped, this::writeDelta);
    }

    private Delta writeDelta(long since) {
        String name = "since-" + since;
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            SnapshotPublisher.deleteTree(tmp);
            Files.createDirectories(tmp);
            Delta delta = deltas.write(view, since, tmp, name + "/");
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            return delta;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the _since answer " + name + " of snapshot " + id, e);
        }
    }

    /**
     * @param relative a path of {@link PublishedFile#path()} form
     * @return the file, or null when it is not one of this snapshot's published files
     */
    public Path resolve(String relative) {
        Path file = dir.resolve(relative).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file) || file.getFileName().toString().startsWith(".")) {
            return null;
        }
        return file;
    }

    void close() {
        view.close();
    }
}
