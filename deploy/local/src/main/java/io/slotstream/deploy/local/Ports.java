package io.slotstream.deploy.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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

    /** A port that was free on {@code host} a moment ago (for tests that run several stacks side by side). */
    public static int free(String host) {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("no free port on " + host + ": " + e.getMessage(), e);
        }
    }
}
