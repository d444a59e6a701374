package io.slotstream.publish.storage;

import org.springframework.core.io.Resource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the publication's immutable files live: the local filesystem ({@link FileSystemStorage}, the default) or an
 * S3-compatible bucket ({@link S3Storage}). File names are content-named ({@code <group>-<sha256 prefix>.ndjson}), so
 * storing a name twice stores the same bytes and replicas can share one location. Implementations are thread-safe.
 */
public interface PublicationStorage extends AutoCloseable {

    /**
     * Stores a finished local file under {@code name} and removes the local file. Stored files are durable when this
     * returns.
     *
     * @throws IOException when the file cannot be stored
     */
    void put(String name, Path file) throws IOException;

    /** @return whether a file of that name is stored */
    boolean exists(String name) throws IOException;

    /** @return the stored file with its length, or empty when there is none of that name */
    Optional<Resource> open(String name) throws IOException;

    /** Deletes the file; a missing file is no error. */
    void delete(String name) throws IOException;

    /** @return the names of every stored file */
    List<String> list() throws IOException;

    /** @return where the files are, for logs and health details (no credentials) */
    String describe();

    @Override
    default void close() {
    }
}
