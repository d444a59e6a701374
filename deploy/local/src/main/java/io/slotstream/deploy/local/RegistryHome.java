package io.slotstream.deploy.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the unpacked Apicurio Registry distribution is: the {@code slotstream.registry.home} system property, the
 * {@code SLOTSTREAM_REGISTRY_HOME} environment variable, or {@code deploy/local/target/apicurio-registry} found by
 * walking up from the working directory (the build unpacks it there in {@code generate-resources}).
 */
public final class RegistryHome {

    static final Path IN_PROJECT = Path.of("deploy", "local", "target", "apicurio-registry");

    private RegistryHome() {
    }

    /** @throws StackException naming the build step that provides the distribution, when none is found */
    public static Path locate() {
        Optional<String> configured = Optional.ofNullable(System.getProperty("slotstream.registry.home"))
                .or(() -> Optional.ofNullable(System.getenv("SLOTSTREAM_REGISTRY_HOME")));
        if (configured.isPresent()) {
            return Path.of(configured.get());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(IN_PROJECT);
            if (Files.isRegularFile(candidate.resolve("quarkus-run.jar"))) {
                return candidate;
            }
        }
        throw new StackException("Apicurio Registry distribution not found (looked for " + IN_PROJECT
                + " above the working directory); build it with: mvn -pl deploy/local package -DskipTests");
    }
}
