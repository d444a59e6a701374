package io.slotstream.faults.cluster;

import io.slotstream.deploy.local.KafkaNode;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * One KRaft node (broker and controller) of a {@link BrokerCluster}, as its own JVM so that a test can SIGKILL or
 * SIGSTOP it. Arguments: the server properties file and the cluster id; formats the log directory on first start
 * (as {@code kafka-storage format} does) and keeps it on restarts.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        String logDir = props.getProperty("log.dirs");
        if (!Files.exists(Path.of(logDir, "meta.properties"))) {
            KafkaNode.format(Integer.parseInt(props.getProperty("node.id")), args[1], Path.of(logDir));
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-node-stop"));
        server.startup();
        server.awaitShutdown();
    }
}
