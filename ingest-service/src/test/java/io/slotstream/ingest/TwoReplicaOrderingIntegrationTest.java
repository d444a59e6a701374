package io.slotstream.ingest;

import io.slotstream.avro.FhirSlot;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.slotstream.ingest.OrderingIntegrationTest.versioned;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ingest replicas (this class's Spring context and a second one started here) against the same broker: neither may
 * accept a version older than one the other has committed, even when both are written to at once (the writer lease).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwoReplicaOrderingIntegrationTest extends IntakeTestSupport {

    private static ConfigurableApplicationContext second;
    private static int secondPort;

    @BeforeAll
    static void startSecondReplica() {
        LocalStack stack = SharedStack.get();
        // command-line arguments: they override application.yml (builder properties would not)
        second = new SpringApplicationBuilder(IngestServiceApplication.class).run(
                "--server.port=0",
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.ingest.store.state-dir=" + Path.of(System.getProperty("java.io.tmpdir"),
                        "ingest-state-" + UUID.randomUUID()));
        secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
    }

    @AfterAll
    static void stopSecondReplica() {
        if (second != null) {
            second.close();
        }
    }

    private HttpResponse<String> putTo(int replicaPort, String id, String body, String source) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicaPort + "/fhir/Slot/" + id))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/fhir+json")
                .header("X-Slotstream-Source", source).PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReplicaRefusesAVersionOlderThanOneTheOtherReplicaWrote() throws Exception {
        String src = newSource();
        // the second replica learns the key first, so its own store holds version 1
        assertThat(putTo(secondPort, "s", versioned("s", "1", null, "free"), src).statusCode()).isEqualTo(201);
        assertThat(putTo(port, "s", versioned("s", "5", null, "busy"), src).statusCode()).isEqualTo(200);

        HttpResponse<String> older = putTo(secondPort, "s", versioned("s", "4", null, "busy-tentative"), src);

        assertThat(older.statusCode()).isEqualTo(200);
        assertThat(older.body()).contains("ignored, stale").contains("versionId 5");
        assertThat(readCommitted(Topics.SLOT, (src + ".s")::equals))
                .extracting(r -> r.value().getProvenance().getSourceVersionId()).containsExactly("1", "5");
    }

    @Test
    void concurrentWritesThroughBothReplicasOnlyEverMoveAKeyForward() throws Exception {
        String src = newSource();
        List<Integer> versions = new ArrayList<>();
        for (int v = 1; v <= 24; v++) {
            versions.add(v);
        }
        Collections.shuffle(versions, new Random(42));
        ConcurrentLinkedQueue<Integer> pending = new ConcurrentLinkedQueue<>(versions);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int replica = t % 2 == 0 ? port : secondPort;
            done.add(senders.submit(() -> {
                Integer v;
                while ((v = pending.poll()) != null) {
                    try {
                        HttpResponse<String> r = putTo(replica, "k", versioned("k", v.toString(), null, v % 2 == 0 ? "free" : "busy"), src);
                        if (r.statusCode() >= 300) {
                            failures.add(v + ": " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(v + ": " + e);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(180, TimeUnit.SECONDS);
        }
        senders.shutdown();

        assertThat(failures).isEmpty();
        List<Long> written = readCommitted(Topics.SLOT, (src + ".k")::equals).stream()
                .map(ConsumerRecord::value).map(FhirSlot::getProvenance)
                .map(p -> Long.parseLong(p.getSourceVersionId())).toList();
        assertThat(written).isNotEmpty().isSorted().doesNotHaveDuplicates().endsWith(24L);
    }
}
