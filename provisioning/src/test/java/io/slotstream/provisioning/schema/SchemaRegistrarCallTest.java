package io.slotstream.provisioning.schema;

import io.slotstream.provisioning.ProvisioningException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistrarCallTest {

    private final SchemaRegistrar registrar = new SchemaRegistrar(
            RegistryConnection.open("http://127.0.0.1:9/apis/registry/v3"), SchemaRegistrar.COMPATIBILITY, Duration.ofMillis(200));

    @Test
    void aCallThatNeverAnswersIsTriedOnceMoreThenFailsNamingTheRegistry() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> registrar.call("read x-value", () -> {
            attempts.incrementAndGet();
            hang();
            return "never";
        })).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("http://127.0.0.1:9/apis/registry/v3")
                .hasMessageContaining("did not answer within")
                .hasMessageContaining("read x-value");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aCallThatHangsOnceSucceedsOnItsRetry() {
        AtomicInteger attempts = new AtomicInteger();
        String answer = registrar.call("read x-value", () -> {
            if (attempts.incrementAndGet() == 1) {
                hang();
            }
            return "schema";
        });
        assertThat(answer).isEqualTo("schema");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aFailureIsReportedAtOnceWithoutRetry() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> registrar.call("read x-value", () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("connection refused");
        })).isInstanceOf(ProvisioningException.class).hasMessageContaining("unreachable").hasMessageContaining("connection refused");
        assertThat(attempts).hasValue(1);
    }

    private static void hang() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cancelled", e);
        }
    }
}
