package io.slotstream.deploy.local;

import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates every topic of the catalogue (name, partitions, cleanup policy, retention) if it does not exist yet. */
final class TopicProvisioning {

    private TopicProvisioning() {
    }

    /**
     * @param replicationFactor 1 on the single-node stack
     * @throws StackException when the broker refuses a topic for any reason other than that it already exists
     */
    static void createAll(Admin admin, short replicationFactor) {
        List<NewTopic> topics = Topics.all().stream().map(t -> t.newTopic(replicationFactor)).toList();
        var result = admin.createTopics(topics);
        for (Topic<?> topic : Topics.all()) {
            try {
                result.values().get(topic.name()).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new StackException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
                }
            } catch (Exception e) {
                throw new StackException("cannot create topic " + topic.name() + ": " + e.getMessage(), e);
            }
        }
    }
}
