package io.slotstream.ingest.http;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BodyBudgetFilterTest {

    private static final long MAX_BODY = 16 * 1024;

    @Test
    void aBodyThatDoesNotFitWaitsUntilAnEarlierOneIsAnswered() throws Exception {
        BodyBudgetFilter filter = new BodyBudgetFilter(4 * 1024, MAX_BODY); // 4 KiB budget
        // a thread per request, as Tomcat's pool gives (the common pool may have one worker on two cores)
        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstInside = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> run(filter, post(3000), () -> {
            firstInside.countDown();
            awaitLatch(release);
        }), threads);
        assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(filter.availableKib()).isEqualTo(1); // 3,000 bytes take 3 KiB

        // a small body still fits beside the first one
        AtomicInteger smallRan = new AtomicInteger();
        run(filter, post(500), smallRan::incrementAndGet);
        assertThat(smallRan).hasValue(1);

        AtomicInteger secondRan = new AtomicInteger();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> run(filter, post(2000), secondRan::incrementAndGet), threads);
        await().atMost(Duration.ofSeconds(10)).until(() -> filter.waiting() == 1);
        // fair: once the 2,000-byte body waits, a later small one waits behind it although 1 KiB is free
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> run(filter, post(500), smallRan::incrementAndGet), threads);
        await().atMost(Duration.ofSeconds(10)).until(() -> filter.waiting() == 2);
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(secondRan).hasValue(0);
        assertThat(smallRan).hasValue(1);

        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        third.get(10, TimeUnit.SECONDS);
        assertThat(secondRan).hasValue(1);
        assertThat(smallRan).hasValue(2);
        assertThat(filter.availableKib()).isEqualTo(4); // everything given back
        threads.shutdown();
    }

    @Test
    void requestsWithoutABodyTakeNothingAndUndeclaredLengthsTakeTheBodyLimit() throws Exception {
        BodyBudgetFilter filter = new BodyBudgetFilter(64 * 1024, MAX_BODY);
        run(filter, new MockHttpServletRequest("GET", "/fhir/Slot/a"), () -> assertThat(filter.availableKib()).isEqualTo(64));
        MockHttpServletRequest chunked = new MockHttpServletRequest("POST", "/fhir");
        chunked.addHeader("Transfer-Encoding", "chunked");
        run(filter, chunked, () -> assertThat(filter.availableKib()).isEqualTo(64 - 16));
        // a declared length over the body limit (refused later with 413) takes only the limit
        run(filter, post(1_000_000), () -> assertThat(filter.availableKib()).isEqualTo(64 - 16));
        assertThat(filter.availableKib()).isEqualTo(64);
    }

    @Test
    void aBodyBiggerThanTheWholeBudgetRunsAloneAndTheBudgetIsReturnedOnFailure() {
        BodyBudgetFilter filter = new BodyBudgetFilter(2 * 1024, MAX_BODY);
        run(filter, post(10_000), () -> assertThat(filter.availableKib()).isZero());
        assertThatThrownBy(() -> new BodyBudgetFilter(100, MAX_BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slotstream.ingest.body-budget");
        MockHttpServletRequest failing = post(1500);
        assertThatThrownBy(() -> filter.doFilter(failing, new MockHttpServletResponse(), (rq, rs) -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(filter.availableKib()).isEqualTo(2);
    }

    private static MockHttpServletRequest post(int bytes) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir");
        request.setContent(new byte[bytes]);
        return request;
    }

    private static void run(BodyBudgetFilter filter, MockHttpServletRequest request, Runnable inside) {
        try {
            filter.doFilter(request, new MockHttpServletResponse(), (rq, rs) -> inside.run());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
