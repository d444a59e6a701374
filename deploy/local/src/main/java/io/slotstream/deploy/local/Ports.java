package io.slotstream.deploy.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Port checks on the stack's bind address, done before anything starts so a taken port fails fast and clearly. */
public final class Ports {

    private Ports() {
    }

    /**
     * Fails when {@code port} on {@code host} cannot be bound.
     *
     * @param role what the port is for, for the error message (for example "Kafka broker listener")
     * @throws StackException naming the port, its role and the setting that changes it
     */
    static void requireFree(String host, int port, String role, String setting) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new StackException("port " + host + ":" + port + " (" + role + ") is already in use; stop what holds it or set " + setting);
        }
    }

    /** Below the kernel's ephemeral range and above every default port of the stack and the services. */
    private static final int FREE_PORT_FLOOR = 20000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Ports already handed out by this JVM: two calls in a row must not return the same still-unbound port. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port that was free on {@code host} a moment ago (for tests that run several stacks side by side).
     *
     * <p>It is taken from below the kernel's ephemeral port range when there is room there (20000 up to the range's
     * start, 32768 on Linux by default): a child process binds it only seconds later, and meanwhile any outgoing
     * connection of this machine (the broker's own, for one) may take an ephemeral port as its local port, which
     * makes the child's bind fail. Elsewhere the kernel picks one. No port is handed out twice by one JVM.
     *
     * @throws StackException when no port is free
     */
    public static int free(String host) {
        int ephemeralStart = ephemeralRangeStart();
        if (ephemeralStart - FREE_PORT_FLOOR >= 1000) {
            var random = ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 100; attempt++) {
                int port = random.nextInt(FREE_PORT_FLOOR, ephemeralStart);
                if (!HANDED_OUT.contains(port) && canBind(host, port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("no free port on " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first port of the kernel's ephemeral range; 0 where that is not readable (not Linux). Read by lines:
     * {@code Files.readString} returns only the first byte of this procfs file on JDK 25.
     */
    static int ephemeralRangeStart() {
        try {
            String[] range = Files.readAllLines(EPHEMERAL_RANGE).getFirst().trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean canBind(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
