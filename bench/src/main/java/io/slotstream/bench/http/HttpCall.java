package io.slotstream.bench.http;

import io.slotstream.bench.core.BenchException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Blocking HTTP/1.1 calls to the Slotstream services with the JDK client (one shared connection pool; safe to use
 * from many threads). Every method returns the status and body; callers decide what a failure is.
 */
public final class HttpCall {

    /** A response: status, body bytes, and the time from send to the last body byte in nanoseconds. */
    public record Response(int status, byte[] body, long nanos) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** @return the body, cut to 300 characters, for error messages */
        public String excerpt() {
            String t = text();
            return t.length() > 300 ? t.substring(0, 300) + "..." : t;
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** POSTs a FHIR transaction Bundle to {@code [ingestBase]/fhir} as source {@code sourceId}. */
    public Response postBundle(String ingestBase, String sourceId, byte[] bundle) {
        return send(HttpRequest.newBuilder(URI.create(ingestBase + "/fhir"))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header("X-Slotstream-Source", sourceId)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());
    }

    /** GETs {@code url}. */
    public Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).GET().build());
    }

    /**
     * GETs {@code url} and hands each non-blank line of a 200 body to {@code perLine} while it streams in (constant
     * memory, for NDJSON files of any size).
     *
     * @return the body's size in bytes
     * @throws BenchException when the status is not 200, or as {@link #send}
     */
    public long getLines(String url, java.util.function.Consumer<String> perLine) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(600)).GET().build();
        try {
            HttpResponse<java.io.InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new BenchException("GET " + url + " answered HTTP " + r.statusCode() + ": "
                            + new String(in.readNBytes(300), java.nio.charset.StandardCharsets.UTF_8));
                }
                CountingInput counted = new CountingInput(in);
                java.io.BufferedReader reader = new java.io.BufferedReader(
                        new java.io.InputStreamReader(counted, java.nio.charset.StandardCharsets.UTF_8), 1 << 16);
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        perLine.accept(line);
                    }
                }
                return counted.count;
            }
        } catch (ConnectException e) {
            throw new BenchException("cannot connect to " + url + " (is the stack running?)", e);
        } catch (IOException e) {
            throw new BenchException("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during GET " + url, e);
        }
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(java.io.InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /**
     * @throws BenchException when the service is unreachable (with the URL), or the thread is interrupted
     */
    public Response send(HttpRequest request) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), System.nanoTime() - t0);
        } catch (ConnectException e) {
            throw new BenchException("cannot connect to " + request.uri() + " (is `./slotstream run --no-sample-data` "
                    + "running in another terminal?)", e);
        } catch (IOException e) {
            throw new BenchException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    /**
     * @return the response when its status is 2xx
     * @throws BenchException otherwise, with the status and the start of the body (an OperationOutcome)
     */
    public static Response expect2xx(Response r, String what) {
        if (r.status() / 100 != 2) {
            throw new BenchException(what + " answered HTTP " + r.status() + ": " + r.excerpt());
        }
        return r;
    }
}
