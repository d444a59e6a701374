package io.slotstream.availability.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the slot view ({@code slotstream.availability.*}, env {@code SLOTSTREAM_AVAILABILITY_*}). The Kafka
 * Streams settings themselves (application id, application.server, state dir, standby replicas, commit interval) are
 * binder configuration in application.yml, fed from {@code slotstream.streams.*}.
 *
 * @param defaultCount       page size of searches without {@code _count}
 * @param maxCount           largest accepted {@code _count}; larger values are a 400
 * @param peerTimeout        timeout of one internal call to another instance during a fan-out or a routed read
 * @param slotRetention      how long after its end a slot stays in the view and the publication (default 0: it
 *                           leaves when it ends)
 * @param retirementInterval how often the wall-clock punctuation retires ended slots (default 1 s)
 * @param maxIncludes        most resources one search page includes ({@code _include}, {@code _revinclude} together;
 *                           default 1000, as HAPI's {@code maximumIncludesToLoadPerPage}); beyond it the Bundle
 *                           carries an OperationOutcome warning
 */
@ConfigurationProperties("slotstream.availability")
public record AvailabilityProperties(int defaultCount, int maxCount, Duration peerTimeout,
                                     Duration slotRetention, Duration retirementInterval, int maxIncludes) {

    public AvailabilityProperties {
        defaultCount = defaultCount <= 0 ? 50 : defaultCount;
        maxCount = maxCount <= 0 ? 1000 : maxCount;
        peerTimeout = peerTimeout == null ? Duration.ofSeconds(5) : peerTimeout;
        slotRetention = slotRetention == null ? Duration.ZERO : slotRetention;
        retirementInterval = retirementInterval == null ? Duration.ofSeconds(1) : retirementInterval;
        maxIncludes = maxIncludes <= 0 ? 1000 : maxIncludes;
        if (slotRetention.isNegative()) {
            throw new IllegalArgumentException("slotstream.availability.slot-retention must not be negative: " + slotRetention);
        }
    }
}
