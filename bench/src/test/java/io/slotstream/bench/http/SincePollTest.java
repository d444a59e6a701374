package io.slotstream.bench.http;

import com.sun.net.httpserver.HttpServer;
import io.slotstream.bench.core.BenchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A poll reads every listed file, one at a time or several at once, skips the files an earlier poll read, and names
 * the file it could not read.
 */
class SincePollTest {

    private static final int FILES = 24;

    private HttpServer server;
    private String base;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger downloads = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        StringBuilder manifest = new StringBuilder("{\"transactionTime\":\"2026-12-01T10:00:00Z\",\"output\":[");
        for (int f = 0; f < FILES; f++) {
            manifest.append(f == 0 ? "" : ",").append("{\"type\":\"Slot\",\"url\":\"").append(base).append("/data/f")
                    .append(f).append(".ndjson\"}");
        }
        manifest.append(",{\"type\":\"Slot\",\"url\":\"").append(base).append("/data/missing.ndjson\"}");
        String full = manifest + "]}";
        String withoutMissing = full.replace(",{\"type\":\"Slot\",\"url\":\"" + base + "/data/missing.ndjson\"}", "");
        server.createContext("/$bulk-publish", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            // the full manifest is as of its stale groups' time; a _since answer carries S
            answer(exchange, 200, query == null ? withoutMissing.replace("10:00:00Z", "09:59:00Z")
                    : query.contains("broken") ? full : withoutMissing);
        });
        server.createContext("/data/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/data/".length());
            downloads.incrementAndGet();
            if (name.startsWith("missing")) {
                answer(exchange, 404, "gone");
                return;
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(30); // long enough for concurrent downloads to overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            String file = name.replace(".ndjson", "");
            answer(exchange, 200, "{\"resourceType\":\"Slot\",\"id\":\"" + file + "-a\"}\n"
                    + "{\"resourceType\":\"Slot\",\"id\":\"" + file + "-b\"}\n");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void readsEveryLineOfEveryListedFileWithUpToNDownloadsAtOnce() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        SincePoll poll = SincePoll.poll(new HttpCall(), base, "2026-12-01T09:59:00Z", 6, null,
                resource -> ids.add(resource.path("id").asText()));

        assertThat(poll.files()).isEqualTo(FILES);
        assertThat(poll.resources()).isEqualTo(2L * FILES);
        assertThat(ids).hasSize(2 * FILES).contains("f0-a", "f23-b");
        assertThat(poll.transactionTime()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(maxInFlight.get()).as("downloads overlapped, within the bound").isBetween(2, 6);
    }

    @Test
    void theCurrentTransactionTimeIsSFromASinceAnswerNotTheFullManifestsTime() {
        assertThat(SincePoll.currentTransactionTime(new HttpCall(), base)).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(maxInFlight.get()).as("no file downloaded").isZero();
    }

    @Test
    void oneAtATimeByDefault() {
        SincePoll poll = SincePoll.poll(new HttpCall(), base, null, resource -> { });

        assertThat(poll.resources()).isEqualTo(2L * FILES);
        assertThat(maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void aFileThatCannotBeReadFailsThePollNamingIt() {
        assertThatThrownBy(() -> SincePoll.poll(new HttpCall(), base, "broken", 4, null, resource -> { }))
                .isInstanceOf(BenchException.class).hasMessageContaining("missing.ndjson").hasMessageContaining("404");
    }

    @Test
    void aFileAnEarlierPollReadIsNotDownloadedAgainButOneThatFailedIs() {
        ReadFiles readFiles = new ReadFiles(1_000);
        SincePoll first = SincePoll.poll(new HttpCall(), base, "2026-12-01T09:59:00Z", 4, readFiles, resource -> { });
        int downloadsAfterFirst = downloads.get();
        SincePoll second = SincePoll.poll(new HttpCall(), base, "2026-12-01T10:00:00Z", 4, readFiles, resource -> { });

        assertThat(first.filesAlreadyRead()).isZero();
        assertThat(first.resources()).isEqualTo(2L * FILES);
        assertThat(second.files()).isEqualTo(FILES);
        assertThat(second.filesAlreadyRead()).isEqualTo(FILES);
        assertThat(second.resources()).isZero();
        assertThat(downloads.get()).as("no file requested again").isEqualTo(downloadsAfterFirst);

        assertThatThrownBy(() -> SincePoll.poll(new HttpCall(), base, "broken", 4, readFiles, resource -> { }))
                .isInstanceOf(BenchException.class);
        int beforeRetry = downloads.get();
        assertThatThrownBy(() -> SincePoll.poll(new HttpCall(), base, "broken", 4, readFiles, resource -> { }))
                .as("the file that failed is requested again").hasMessageContaining("missing.ndjson");
        assertThat(downloads.get()).isEqualTo(beforeRetry + 1);
    }

    @Test
    void theLeastRecentlyListedFilesAreForgottenBeyondTheCapacity() {
        ReadFiles readFiles = new ReadFiles(FILES / 2);
        SincePoll.poll(new HttpCall(), base, "2026-12-01T09:59:00Z", 1, readFiles, resource -> { });
        SincePoll again = SincePoll.poll(new HttpCall(), base, "2026-12-01T09:59:00Z", 1, readFiles, resource -> { });

        // the second half is remembered, but listing the first half again evicts it before it is reached
        assertThat(again.filesAlreadyRead()).isZero();
        assertThat(again.resources()).isEqualTo(2L * FILES);
    }
}
