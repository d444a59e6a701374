package io.slotstream.web.live;

import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /api/slot-events}: server-sent events of {@code slot.availability.v1} for the discovery page. Each event
 * is named {@code slots} and carries a JSON array of {@link SlotChange} (one batch per poll of the topic, typically
 * within 200 ms of the write). A comment line every 15 s keeps proxies from closing an idle stream; a browser's
 * {@code EventSource} reconnects by itself after the 30-minute timeout or a restart. Changes seen while a page was
 * disconnected are not replayed: a page re-runs its search on reconnect.
 */
@RestController
public class SlotEvents {

    private static final long TIMEOUT_MS = 30 * 60 * 1000L;

    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
    // Sending happens off the topic thread so a slow browser never holds up the topic.
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("web-sse").daemon().unstarted(r));

    @GetMapping(path = "/api/slot-events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter subscribe() throws IOException {
        SseEmitter emitter = new SseEmitter(TIMEOUT_MS);
        emitters.add(emitter);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        emitter.send(SseEmitter.event().name("ready").data("{}", MediaType.APPLICATION_JSON));
        return emitter;
    }

    /** Sends one batch to every open stream. */
    public void publish(List<SlotChange> changes) {
        sender.execute(() -> send(SseEmitter.event().name("slots").data(changes, MediaType.APPLICATION_JSON)));
    }

    /** @return how many pages listen now */
    public int listeners() {
        return emitters.size();
    }

    @Scheduled(fixedRate = 15_000)
    void keepAlive() {
        sender.execute(() -> send(SseEmitter.event().comment("keep-alive")));
    }

    private void send(SseEmitter.SseEventBuilder event) {
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(event);
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
                emitter.completeWithError(e);
            }
        }
    }
}
