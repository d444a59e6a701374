package io.slotstream.publish.config;

import io.slotstream.publish.snapshot.SnapshotPublisher;
import io.slotstream.publish.snapshot.SnapshotScheduler;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.TopicMaterializer;
import org.springframework.context.SmartLifecycle;

/**
 * Starts consuming and snapshotting after the context is up (after the stack preflight), and stops in reverse order
 * so that no view outlives the store: scheduler, materializer, publisher (releases views), store.
 */
public class PublicationLifecycle implements SmartLifecycle {

    private final TopicMaterializer materializer;
    private final SnapshotScheduler scheduler;
    private final SnapshotPublisher publisher;
    private final PublicationStore store;
    private volatile boolean running;

    PublicationLifecycle(TopicMaterializer materializer, SnapshotScheduler scheduler, SnapshotPublisher publisher,
                         PublicationStore store) {
        this.materializer = materializer;
        this.scheduler = scheduler;
        this.publisher = publisher;
        this.store = store;
    }

    @Override
    public void start() {
        materializer.start();
        scheduler.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        scheduler.close();
        materializer.close();
        publisher.close();
        store.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
