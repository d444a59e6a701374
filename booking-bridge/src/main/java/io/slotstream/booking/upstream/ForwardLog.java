package io.slotstream.booking.upstream;

import io.slotstream.avro.UpstreamForward;

/**
 * Where pending EHR forwards are kept so that they outlive the instance that took the call: booking.upstream-forwards.v1
 * ({@link ForwardTopic}), keyed by Appointment id, one pending forward per Appointment.
 */
public interface ForwardLog {

    /**
     * Writes the pending forward of its Appointment (replacing the one before); returns once it is durable.
     *
     * @throws IllegalStateException when the log does not take it
     */
    void put(UpstreamForward forward);

    /**
     * Ends the pending forward of an Appointment (the EHR answered, or there is nothing left to forward).
     *
     * @throws IllegalStateException when the log does not take it
     */
    void remove(String appointmentId);
}
