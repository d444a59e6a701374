package io.slotstream.publish.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte layouts of the store. Keys of a group share the prefix {@code [tag][group utf8][0x00]} so one group's
 * resources are one key-ordered range scan. Big-endian times make RocksDB's byte order the time order.
 * <ul>
 * <li>member key ({@code members}, {@code tombstones}): {@code [tag][group utf8][0x00][id utf8]}</li>
 * <li>locator key: {@code [tag][id utf8]}, value {@code [L|D][group utf8]} (live or deleted, and where)</li>
 * <li>member value: {@code [change time 8B][line]}; tombstone value: {@code [delete time 8B]}</li>
 * <li>tombstone time key: {@code [time 8B][tag][id utf8]}, value {@code [group utf8]}</li>
 * <li>change key ({@code changes}: the group's resources by change time): {@code [tag][group utf8][0x00][change time
 * 8B][id utf8]}, empty value</li>
 * </ul>
 */
final class StoreKeys {

    static final byte LIVE = 'L';
    static final byte DELETED = 'D';

    private StoreKeys() {
    }

    static byte[] groupPrefix(GroupKey group) {
        byte[] key = group.bytes();
        byte[] prefix = Arrays.copyOf(key, key.length + 1);
        prefix[key.length] = 0;
        return prefix;
    }

    static byte[] memberKey(GroupKey group, String id) {
        byte[] prefix = groupPrefix(group);
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(prefix, prefix.length + idBytes.length);
        System.arraycopy(idBytes, 0, key, prefix.length, idBytes.length);
        return key;
    }

    static byte[] changeKey(GroupKey group, long time, String id) {
        byte[] prefix = groupPrefix(group);
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(prefix.length + 8 + idBytes.length).put(prefix).putLong(time).put(idBytes).array();
    }

    /** @return the first change key of the group at or after {@code time} (UTC epoch ms, &gt;= 0) */
    static byte[] changeKeyFrom(GroupKey group, long time) {
        byte[] prefix = groupPrefix(group);
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(time).array();
    }

    /** @return the member key a change key with that group prefix length points to */
    static byte[] memberKeyOfChange(byte[] changeKey, int prefixLength) {
        byte[] key = new byte[changeKey.length - 8];
        System.arraycopy(changeKey, 0, key, 0, prefixLength);
        System.arraycopy(changeKey, prefixLength + 8, key, prefixLength, changeKey.length - prefixLength - 8);
        return key;
    }

    /** @return the id part of a member key with that prefix length */
    static String idOfMember(byte[] memberKey, int prefixLength) {
        return new String(memberKey, prefixLength, memberKey.length - prefixLength, StandardCharsets.UTF_8);
    }

    static byte[] locatorKey(ResourceType type, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[1 + idBytes.length];
        key[0] = type.tag();
        System.arraycopy(idBytes, 0, key, 1, idBytes.length);
        return key;
    }

    static byte[] locatorValue(byte state, String group) {
        byte[] groupBytes = group.getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[1 + groupBytes.length];
        value[0] = state;
        System.arraycopy(groupBytes, 0, value, 1, groupBytes.length);
        return value;
    }

    static String groupOfLocator(byte[] value) {
        return new String(value, 1, value.length - 1, StandardCharsets.UTF_8);
    }

    static byte[] memberValue(long time, byte[] line) {
        return ByteBuffer.allocate(8 + line.length).putLong(time).put(line).array();
    }

    static byte[] lineOf(byte[] memberValue) {
        return Arrays.copyOfRange(memberValue, 8, memberValue.length);
    }

    static boolean sameLine(byte[] memberValue, byte[] line) {
        return memberValue.length == 8 + line.length
                && Arrays.equals(memberValue, 8, memberValue.length, line, 0, line.length);
    }

    static byte[] timeKey(long time, byte[] locatorKey) {
        return ByteBuffer.allocate(8 + locatorKey.length).putLong(time).put(locatorKey).array();
    }

    static long timeOf(byte[] timeKeyOrValue) {
        return ByteBuffer.wrap(timeKeyOrValue, 0, 8).getLong();
    }

    static byte[] locatorKeyOfTimeKey(byte[] timeKey) {
        return Arrays.copyOfRange(timeKey, 8, timeKey.length);
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static byte[] positionBytes(PartitionPosition position) {
        return ByteBuffer.allocate(16).putLong(position.nextOffset()).putLong(position.time()).array();
    }

    static PartitionPosition position(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return new PartitionPosition(buffer.getLong(), buffer.getLong());
    }
}
