package io.slotstream.ingest.feed;

import io.slotstream.edge.tls.ServiceTls;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * HTTP GETs of a polite feed client (spec §3, sched-6/7; field notes, "Transport"): the JDK {@link HttpClient} with
 * the service's TLS trust ({@link ServiceTls}: a publisher with a certificate from a public CA or from the CA of
 * {@code slotstream.tls.client-bundle}; an untrusted certificate fails at once, naming the setting), redirects followed (not https to http), no {@code Accept} preference beyond what every publisher must serve,
 * {@code Accept-Encoding: gzip}, conditional requests ({@code If-None-Match} with the ETag as received, weak or not,
 * and {@code If-Modified-Since}), retries with exponential backoff on I/O errors, 408, 429 and 5xx (a
 * {@code Retry-After} in seconds up to 5 min is honoured), and a read watchdog that abandons a body which stalls for
 * the read timeout. Thread-safe.
 */
final class FeedHttp implements AutoCloseable {

    /** A response with a body to stream (close it), or a 304. */
    record Fetched(int status, InputStream body, String etag, String lastModified, String contentType) implements AutoCloseable {
        boolean notModified() {
            return status == 304;
        }

        @Override
        public void close() throws IOException {
            if (body != null) {
                body.close();
            }
        }
    }

    /** The validators of an earlier 200 answer, sent back as conditional request headers. */
    record Validators(String etag, String lastModified) {
    }

    /** The request failed for good (after retries), or the publisher answered with a status that is not 200/304. */
    static final class FetchException extends IOException {
        private final int status;

        FetchException(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** @return the HTTP status, or 0 when no answer came */
        int status() {
            return status;
        }
    }

    private final HttpClient client;
    private final FeedProperties.Polling settings;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "feed-read-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final Map<WatchedStream, Boolean> watched = new ConcurrentHashMap<>();

    /** @param tls the service's client trust: the CA of {@code slotstream.tls.client-bundle} and the JVM's CAs */
    FeedHttp(FeedProperties.Polling settings, ServiceTls tls) {
        this.settings = settings;
        this.client = tls.httpClient(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        long tick = Math.max(100, Math.min(5000, settings.readTimeout().toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::abandonStalled, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * @param url        the URL exactly as listed (query string kept)
     * @param headers    the feed's headers (API keys, tokens)
     * @param validators of the last 200 for this URL; null = unconditional
     * @return a 200 (body to stream, gunzipped) or a 304
     * @throws FetchException after the retries, or at once for a status that retrying cannot fix (e.g. 404)
     */
    Fetched get(String url, Map<String, String> headers, Validators validators) throws FetchException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new FetchException("not a valid URL: " + url, 0, e);
        }
        Duration backoff = settings.retryBackoff();
        FetchException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            if (attempt > 0) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(settings.responseTimeout())
                    .header("Accept-Encoding", "gzip");
            headers.forEach(request::header);
            if (validators != null && validators.etag() != null) {
                request.header("If-None-Match", validators.etag());
            }
            if (validators != null && validators.lastModified() != null) {
                request.header("If-Modified-Since", validators.lastModified());
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                Optional<String> untrusted = ServiceTls.untrustedCertificate(e);
                if (untrusted.isPresent()) { // a retry meets the same certificate
                    throw new FetchException("GET " + url + " failed: " + untrusted.get(), 0, e);
                }
                last = new FetchException("GET " + url + " failed: " + e, 0, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FetchException("interrupted", 0, e);
            }
            int status = response.statusCode();
            if (status == 200 || status == 304) {
                return new Fetched(status, status == 304 ? closeAndNull(response.body()) : body(response),
                        header(response, "ETag"), header(response, "Last-Modified"), header(response, "Content-Type"));
            }
            closeAndNull(response.body());
            last = new FetchException("GET " + url + " answered HTTP " + status, status, null);
            if (!(status == 408 || status == 429 || status >= 500)) {
                throw last;
            }
            Optional<String> retryAfter = response.headers().firstValue("Retry-After");
            if (retryAfter.isPresent() && retryAfter.get().matches("\\d{1,3}")) {
                backoff = Duration.ofSeconds(Math.min(300, Long.parseLong(retryAfter.get())));
            }
        }
        throw last;
    }

    private InputStream body(HttpResponse<InputStream> response) throws FetchException {
        InputStream raw = new WatchedStream(response.body());
        try {
            boolean gzip = response.headers().firstValue("Content-Encoding").map(v -> v.toLowerCase().contains("gzip")).orElse(false);
            return gzip ? new GZIPInputStream(raw, 65536) : raw;
        } catch (IOException e) {
            closeAndNull(raw);
            throw new FetchException("GET " + response.uri() + ": broken gzip body: " + e.getMessage(), 200, e);
        }
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static InputStream closeAndNull(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to read from it anyway
        }
        return null;
    }

    private void abandonStalled() {
        long limit = settings.readTimeout().toNanos();
        long now = System.nanoTime();
        for (WatchedStream stream : watched.keySet()) {
            if (now - stream.lastProgress > limit) {
                stream.stalled = true;
                closeAndNull(stream);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        client.close();
    }

    /** Tracks progress so the watchdog can close a body that stalls (the JDK client has no read timeout). */
    private final class WatchedStream extends FilterInputStream {
        volatile long lastProgress = System.nanoTime();
        volatile boolean stalled;

        WatchedStream(InputStream in) {
            super(in);
            watched.put(this, Boolean.TRUE);
        }

        @Override
        public int read() throws IOException {
            try {
                int b = check(super.read());
                lastProgress = System.nanoTime();
                return b;
            } catch (IOException e) {
                throw stalled ? timedOut() : e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = check(super.read(b, off, len));
                lastProgress = System.nanoTime();
                return n;
            } catch (IOException e) {
                throw stalled ? timedOut() : e;
            }
        }

        private IOException timedOut() {
            return new IOException("no data for " + settings.readTimeout().toSeconds() + " s (read timeout)");
        }

        private int check(int n) throws IOException {
            if (stalled) {
                throw timedOut();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            watched.remove(this);
            super.close();
        }
    }
}
