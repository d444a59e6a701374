package io.slotstream.publish.storage;

import io.slotstream.publish.fixtures.S3ProxyServer;
import io.slotstream.publish.snapshot.SinceConvergenceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link S3Storage} against a real S3-compatible server (S3Proxy), and the {@code _since} property on a bucket. */
class S3StorageIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void storesListsServesAndDeletesObjectsUnderThePrefixWithImmutableCaching() throws IOException {
        S3ProxyServer server = S3ProxyServer.get();
        try (S3Storage storage = new S3Storage(server.bucket("storage-test", "pub/lic"), Duration.ofDays(365));
             S3Client s3 = server.client()) {
            Path file = Files.writeString(dir.resolve("part.ndjson"), "{\"resourceType\":\"Slot\",\"id\":\"a\"}\n");
            assertThat(storage.exists("Slot-MA-2026-W40-0123456789abcdef.ndjson")).isFalse();
            storage.put("Slot-MA-2026-W40-0123456789abcdef.ndjson", file);
            assertThat(file).as("the local file is gone once stored").doesNotExist();
            assertThat(storage.exists("Slot-MA-2026-W40-0123456789abcdef.ndjson")).isTrue();
            assertThat(storage.list()).containsExactly("Slot-MA-2026-W40-0123456789abcdef.ndjson");

            HeadObjectResponse head = s3.headObject(b -> b.bucket("storage-test").key("pub/lic/Slot-MA-2026-W40-0123456789abcdef.ndjson"));
            assertThat(head.contentType()).isEqualTo("application/fhir+ndjson");
            assertThat(head.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
            var resource = storage.open("Slot-MA-2026-W40-0123456789abcdef.ndjson").orElseThrow();
            assertThat(resource.contentLength()).isEqualTo(33);
            try (InputStream in = resource.getInputStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"resourceType\":\"Slot\",\"id\":\"a\"}\n");
            }
            assertThat(storage.open("Nope.ndjson")).isEmpty();

            storage.delete("Slot-MA-2026-W40-0123456789abcdef.ndjson");
            storage.delete("Slot-MA-2026-W40-0123456789abcdef.ndjson");
            assertThat(storage.list()).isEmpty();
            assertThat(storage.describe()).isEqualTo("s3://storage-test/pub/lic/ at " + server.endpoint());
        }
    }

    @Test
    void wrongCredentialsFailWithTheLocationNamed() {
        S3ProxyServer server = S3ProxyServer.get();
        S3Storage.Settings good = server.bucket("storage-denied", "");
        try (S3Storage storage = new S3Storage(new S3Storage.Settings(good.bucket(), "", good.endpoint(), "us-east-1",
                true, S3ProxyServer.ACCESS_KEY, "wrong"), Duration.ofDays(1))) {
            assertThatThrownBy(storage::list).isInstanceOf(IOException.class).hasMessageContaining("s3://storage-denied/");
        }
    }

    @Test
    void clientsAlternatingBetweenTwoReplicasOnOneBucketConverge() {
        S3ProxyServer server = S3ProxyServer.get();
        try (S3Storage storage = new S3Storage(server.bucket("since-convergence", "publication/"), Duration.ofDays(365))) {
            SinceConvergenceTest.converge(7, dir, storage, 2, false, SinceConvergenceTest.OVERLAP);
        }
    }
}
