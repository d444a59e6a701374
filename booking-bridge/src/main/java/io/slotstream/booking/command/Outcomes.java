package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Outcomes by request id, fed by {@link DecisionListener} from booking.events.v1 (every instance reads every
 * decision, so any instance can answer for any request id). A caller registers interest before it writes its request
 * and waits up to a timeout (the long-poll of kafka-streams-examples' OrdersService). Recent outcomes are kept (LRU,
 * {@value #RECENT} entries) for retries and status polls.
 */
@Component
public class Outcomes {

    static final int RECENT = 200_000;

    private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final Map<String, Outcome> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
            return size() > RECENT;
        }
    };

    /** Called by the listener for every event. */
    void accept(BookingEvent event) {
        if (!Outcome.decides(event)) {
            return;
        }
        settle(event.getRequestId(), new Outcome(event));
        Outcome.answeredByRelease(event).ifPresent(o -> settle(o.event().getRequestId(), o));
    }

    /**
     * Records the outcome of a request id and wakes its waiter: a decision from booking.events.v1, or one made here
     * (an upstream EHR's refusal, which no decision point sees). The first outcome of a request id wins.
     */
    public void settle(String requestId, Outcome outcome) {
        synchronized (recent) {
            recent.putIfAbsent(requestId, outcome);
        }
        CompletableFuture<Outcome> waiter = pending.remove(requestId);
        if (waiter != null) {
            waiter.complete(outcome);
        }
    }

    /** @return the outcome if it is already known here */
    public Optional<Outcome> known(String requestId) {
        synchronized (recent) {
            return Optional.ofNullable(recent.get(requestId));
        }
    }

    /** Registers interest in a request id; call before writing the request so that no decision is missed. */
    public CompletableFuture<Outcome> expect(String requestId) {
        CompletableFuture<Outcome> future = pending.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        known(requestId).ifPresent(outcome -> {
            pending.remove(requestId, future);
            future.complete(outcome);
        });
        return future;
    }

    /**
     * @return the outcome, or empty when it has not arrived within the timeout (the request stays registered; a
     * later {@link #expect} with the same id gets it)
     */
    public Optional<Outcome> await(CompletableFuture<Outcome> future, Duration timeout) {
        try {
            return Optional.of(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
