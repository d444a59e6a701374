package io.slotstream.ingest.feed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * A SMART Scheduling Links publisher for tests: serves files from memory on loopback with a strong ETag per content
 * (304 on a matching {@code If-None-Match}), gzip when asked, a required query string per path, failures on demand,
 * and a log of every request.
 */
final class TestPublisher implements AutoCloseable {

    /** A request as the publisher saw it. */
    record Request(String path, String query, String ifNoneMatch, String acceptEncoding, int status) {
    }

    private final HttpServer server;
    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final Map<String, String> requiredQuery = new ConcurrentHashMap<>();
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();
    private final Map<String, Function<String, String>> dynamic = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    TestPublisher() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void file(String path, String content) {
        files.put(path, content);
    }

    /** The content depends on the query string (null when absent). */
    void dynamic(String path, Function<String, String> byQuery) {
        dynamic.put(path, byQuery);
    }

    void requireQuery(String path, String query) {
        requiredQuery.put(path, query);
    }

    void fail(String path, int status) {
        failing.put(path, status);
    }

    void heal(String path) {
        failing.remove(path);
    }

    void failEverything(int status) {
        failing.put("*", status);
    }

    long count(String path, int status) {
        return requests.stream().filter(r -> r.path().equals(path) && r.status() == status).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String inm = exchange.getRequestHeaders().getFirst("If-None-Match");
        String ae = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        int status;
        byte[] body = new byte[0];
        Integer failure = failing.getOrDefault(path, failing.get("*"));
        String content = dynamic.containsKey(path) ? dynamic.get(path).apply(query) : files.get(path);
        if (failure != null) {
            status = failure;
        } else if (content == null || (requiredQuery.containsKey(path) && !requiredQuery.get(path).equals(query))) {
            status = 404;
        } else {
            String etag = "\"" + Integer.toHexString(content.hashCode()) + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.getResponseHeaders().set("Content-Type", path.endsWith(".ndjson") ? "application/fhir+ndjson" : "application/json");
            if (etag.equals(inm)) {
                status = 304;
            } else {
                status = 200;
                body = content.getBytes(StandardCharsets.UTF_8);
                if (ae != null && ae.contains("gzip")) {
                    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
                    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                        gz.write(body);
                    }
                    body = zipped.toByteArray();
                    exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                }
            }
        }
        requests.add(new Request(path, query, inm, ae, status));
        exchange.sendResponseHeaders(status, status == 304 || body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
