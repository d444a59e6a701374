package io.slotstream.schemas.mapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the shared folder beside the project (examples, specs): system property {@code slotstream.shared.dir} (set by
 * the root pom's surefire config), else {@code ../shared} or {@code ../../shared} from the working directory.
 * Missing is an error, not a reason to skip: the round-trip tests are the mapping's main evidence.
 */
final class SharedDir {

    private SharedDir() {
    }

    static Path locate() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("slotstream.shared.dir");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        candidates.add(Path.of("..", "shared"));
        candidates.add(Path.of("..", "..", "shared"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate.resolve("examples"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new AssertionError("shared folder with examples/ not found; tried " + candidates.stream()
                .map(p -> p.toAbsolutePath().normalize().toString()).toList()
                + " (set -Dslotstream.shared.dir=/path/to/shared)");
    }
}
