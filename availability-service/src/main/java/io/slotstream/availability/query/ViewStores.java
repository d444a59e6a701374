package io.slotstream.availability.query;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.binder.kafka.streams.KafkaStreamsRegistry;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * This instance's Kafka Streams (created by the binder) as the query side sees it: local stores (active partitions
 * only) and the stores' metadata (which instance, by {@code application.server}, owns which partitions).
 */
@Component
public class ViewStores {

    private final KafkaStreamsRegistry registry;
    private final HostInfo self;
    private final String applicationId;

    public ViewStores(KafkaStreamsRegistry registry,
                      @Value("${slotstream.streams.application-server}") String applicationServer,
                      @Value("${slotstream.streams.application-id}") String applicationId) {
        this.registry = registry;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.applicationId = applicationId;
    }

    /** @return the running Streams instance, or empty before the binder started it */
    public Optional<KafkaStreams> streams() {
        // the view's application, not the booking decision point's (a second Streams application in this service)
        return Optional.ofNullable(registry.streamsBuilderFactoryBean(applicationId)).map(StreamsBuilderFactoryBean::getKafkaStreams);
    }

    /** @return this instance's {@code application.server} */
    public HostInfo self() {
        return self;
    }

    /**
     * @return the store over all of this instance's active partitions of it
     * @throws StoreUnavailableException when streams are not running or the store is migrating
     */
    public <K, V> ReadOnlyKeyValueStore<K, V> local(String store) {
        KafkaStreams streams = running();
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("store " + store + " is not queryable now (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @return the store of each of this instance's active partitions of it, one by one (the composite store of
     * {@link #local} chains them, which breaks an ordered merge); partition order ascending
     * @throws StoreUnavailableException when streams are not running or a partition is migrating
     */
    public <K, V> List<ReadOnlyKeyValueStore<K, V>> localPartitions(String store) {
        KafkaStreams streams = running();
        List<Integer> partitions = streams.streamsMetadataForStore(store).stream()
                .filter(m -> m.hostInfo().equals(self))
                .flatMap(m -> m.topicPartitions().stream().map(org.apache.kafka.common.TopicPartition::partition))
                .distinct().sorted().toList();
        try {
            return partitions.stream().map(p -> streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.<K, V>keyValueStore()).withPartition(p))).toList();
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("store " + store + " is not queryable now (" + e.getMessage() + ")", e);
        }
    }

    /** @return every instance that owns active partitions of the store (this one included when it does) */
    public List<HostInfo> owners(String store) {
        List<HostInfo> hosts = running().streamsMetadataForStore(store).stream().map(StreamsMetadata::hostInfo).toList();
        if (hosts.isEmpty()) {
            throw new StoreUnavailableException("no instance owns store " + store + " yet (rebalancing)", null);
        }
        return hosts;
    }

    /** @return the instance owning the active partition of {@code key} in the store */
    public HostInfo ownerOf(String store, String key) {
        KeyQueryMetadata metadata = running().queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw new StoreUnavailableException("owner of " + key + " in " + store + " unknown (rebalancing)", null);
        }
        return metadata.activeHost();
    }

    private KafkaStreams running() {
        KafkaStreams streams = streams().orElseThrow(
                () -> new StoreUnavailableException("Kafka Streams not started yet", null));
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            throw new StoreUnavailableException("Kafka Streams is " + streams.state(), null);
        }
        return streams;
    }
}
