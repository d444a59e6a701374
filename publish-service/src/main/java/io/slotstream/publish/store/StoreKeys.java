package io.slotstream.publish.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte layouts of the store. Big-endian times make RocksDB's byte order the time order (times are positive epoch ms).
 * <ul>
 * <li>resource key: {@code [tag][id utf8]}</li>
 * <li>time key: {@code [time 8B][tag][id utf8]}</li>
 * <li>current value: {@code [time 8B][group length 2B][group utf8][line]}</li>
 * </ul>
 */
final class StoreKeys {

    private StoreKeys() {
    }

    static byte[] resourceKey(ResourceType type, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[1 + idBytes.length];
        key[0] = type.tag();
        System.arraycopy(idBytes, 0, key, 1, idBytes.length);
        return key;
    }

    static byte[] timeKey(long time, byte[] resourceKey) {
        return ByteBuffer.allocate(8 + resourceKey.length).putLong(time).put(resourceKey).array();
    }

    /** @return the smallest time key at or after that time */
    static byte[] timeFloor(long time) {
        return ByteBuffer.allocate(8).putLong(time).array();
    }

    static long timeOf(byte[] timeKey) {
        return ByteBuffer.wrap(timeKey, 0, 8).getLong();
    }

    static byte[] resourceKeyOfTimeKey(byte[] timeKey) {
        return Arrays.copyOfRange(timeKey, 8, timeKey.length);
    }

    static ResourceType typeOf(byte[] resourceKey) {
        return ResourceType.ofTag(resourceKey[0]);
    }

    static String idOf(byte[] resourceKey) {
        return new String(resourceKey, 1, resourceKey.length - 1, StandardCharsets.UTF_8);
    }

    static byte[] currentValue(long time, String group, byte[] line) {
        byte[] groupBytes = group.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 2 + groupBytes.length + line.length)
                .putLong(time).putShort((short) groupBytes.length).put(groupBytes).put(line).array();
    }

    static long longValue(byte[] value) {
        return ByteBuffer.wrap(value, 0, 8).getLong();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static StoredResource decode(byte[] resourceKey, byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long time = buffer.getLong();
        int groupLength = Short.toUnsignedInt(buffer.getShort());
        String group = new String(value, 10, groupLength, StandardCharsets.UTF_8);
        byte[] line = Arrays.copyOfRange(value, 10 + groupLength, value.length);
        return new StoredResource(typeOf(resourceKey), idOf(resourceKey), time, group, line);
    }
}
