package io.slotstream.edge.kafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.springframework.context.SmartLifecycle;

/**
 * A lifecycle that runs one Kafka consumer loop (the background readers of every service share it) on its own daemon platform thread. {@link #stop()} ends the loop:
 * it clears {@link #running()}, wakes the consumer (its poll throws {@code WakeupException}) and waits up to 5 s for
 * the thread.
 */
public abstract class ConsumerLoop implements SmartLifecycle {

    private volatile boolean running;
    private volatile Thread thread;
    private volatile KafkaConsumer<?, ?> consumer;

    /** Starts {@code loop} on a new thread named {@code name}. */
    protected final void startLoop(String name, Runnable loop) {
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(loop);
    }

    /** Names the consumer {@link #stop()} wakes (set it as soon as it exists). */
    protected final void wakes(KafkaConsumer<?, ?> c) {
        consumer = c;
    }

    /** @return whether the loop should go on */
    protected final boolean running() {
        return running;
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<?, ?> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
