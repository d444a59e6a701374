package io.slotstream.deploy.local;

import java.nio.file.Path;
import java.util.UUID;

/**
 * One {@link LocalStack} per test JVM, started on first use on free loopback ports with its data under
 * {@code java.io.tmpdir} (the build points that into {@code target/}), and stopped when the JVM exits.
 */
public final class SharedStack {

    private static LocalStack stack;

    private SharedStack() {
    }

    /** @throws StackException when the stack cannot start (the same one-line reasons as {@link LocalStack#start}) */
    public static synchronized LocalStack get() {
        if (stack == null) {
            Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "slotstream-stack-" + UUID.randomUUID());
            LocalStack started = LocalStack.start(LocalStack.Settings.ephemeral(dataDir));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "slotstream-shared-stack-stop"));
            stack = started;
        }
        return stack;
    }
}
