package io.slotstream.deploy.local;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A multi-broker KRaft cluster in this JVM (Kafka's own {@link KafkaClusterTestKit}) for failure tests: {@code n}
 * brokers and one dedicated KRaft controller, so topics can use replication factor 3 and
 * {@code min.insync.replicas=2}, and single brokers can be stopped while the rest keep serving. (Dedicated, not
 * combined: stopping the broker half of a combined node also cut its controller off from the quorum.)
 */
public final class KafkaTestCluster implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private KafkaTestCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * Formats and starts {@code nodes} brokers plus one controller and waits until every broker is ready.
     *
     * @throws StackException when the cluster does not start
     */
    public static KafkaTestCluster start(int nodes) {
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(nodes)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", String.valueOf(Math.min(3, nodes)))
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", String.valueOf(Math.min(3, nodes)))
                    .setConfigProp("transaction.state.log.min.isr", String.valueOf(Math.min(2, nodes)))
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaTestCluster(cluster);
        } catch (Exception e) {
            throw new StackException("cannot start a " + nodes + "-node Kafka test cluster: " + e.getMessage(), e);
        }
    }

    /** {@code host:port,...} of all brokers. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Node ids of the brokers, ascending. */
    public java.util.List<Integer> brokerIds() {
        return cluster.brokers().keySet().stream().sorted().toList();
    }

    /** Stops one broker (a controlled shutdown) and waits until it is down; the others keep serving. */
    public void stopBroker(int nodeId) {
        var broker = cluster.brokers().get(nodeId);
        if (broker == null) {
            throw new IllegalArgumentException("no broker with node id " + nodeId + "; brokers are " + brokerIds());
        }
        broker.shutdown();
        broker.awaitShutdown();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new StackException("cannot stop the Kafka test cluster: " + e.getMessage(), e);
        }
    }
}
