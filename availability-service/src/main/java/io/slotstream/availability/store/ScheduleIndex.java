package io.slotstream.availability.store;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keys of the secondary index of published slots by schedule and start (store {@link StoreNames#SLOT_BY_SCHEDULE}):
 * scheduleId (UTF-8), a 0x00 separator (ids never contain it), 8-byte big-endian start (UTC epoch ms, offset by
 * {@link Long#MIN_VALUE} so that byte order is numeric order also for negative values), slotId (UTF-8). A range scan
 * over one schedule and a start interval touches only the matching entries: the one-schedule-one-week query.
 */
public final class ScheduleIndex {

    private ScheduleIndex() {
    }

    /** @return the index key of a slot starting at {@code startMs} in schedule {@code scheduleId} */
    public static Bytes key(String scheduleId, long startMs, String slotId) {
        byte[] id = slotId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(prefix(scheduleId, startMs, id.length).put(id).array());
    }

    /** @return the smallest key of the schedule with start &ge; fromMs */
    public static Bytes from(String scheduleId, long fromMs) {
        return Bytes.wrap(prefix(scheduleId, fromMs, 0).array());
    }

    /**
     * @return an inclusive upper bound for starts &lt; toExclusiveMs (the bare prefix of toExclusiveMs sorts before
     * every real key with that start); for {@link Long#MAX_VALUE} the bound is the schedule's last possible key
     */
    public static Bytes toExclusive(String scheduleId, long toExclusiveMs) {
        if (toExclusiveMs == Long.MAX_VALUE) {
            byte[] sid = scheduleId.getBytes(StandardCharsets.UTF_8);
            // sid + 0x01 sorts after every sid + 0x00 + ... key and before any longer schedule id (ids have no byte < 0x2d)
            return Bytes.wrap(ByteBuffer.allocate(sid.length + 1).put(sid).put((byte) 1).array());
        }
        return Bytes.wrap(prefix(scheduleId, toExclusiveMs, 0).array());
    }

    /** @return the slot id of an index key */
    public static String slotIdOf(Bytes key) {
        byte[] k = key.get();
        int sep = 0;
        while (k[sep] != 0) {
            sep++;
        }
        int idStart = sep + 1 + 8;
        return new String(k, idStart, k.length - idStart, StandardCharsets.UTF_8);
    }

    private static ByteBuffer prefix(String scheduleId, long startMs, int extra) {
        byte[] sid = scheduleId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(sid.length + 1 + 8 + extra).put(sid).put((byte) 0).putLong(startMs ^ Long.MIN_VALUE);
    }
}
