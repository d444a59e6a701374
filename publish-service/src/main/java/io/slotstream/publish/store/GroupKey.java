package io.slotstream.publish.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One file group of the publication: a resource type and its grouping hint (see {@link StoreChange#group()}), e.g.
 * {@code (SLOT, "CT,MA|2026-W40")} or {@code (LOCATION, "MA")}. The unit a cut rewrites.
 */
public record GroupKey(ResourceType type, String group) implements Comparable<GroupKey> {

    private static final Comparator<GroupKey> ORDER =
            Comparator.comparing(GroupKey::type).thenComparing(GroupKey::group);

    public GroupKey {
        if (group.indexOf(0) >= 0) {
            throw new IllegalArgumentException("a group must not contain NUL: " + group);
        }
    }

    /** @return {@code [tag][group utf8]}, the key of the group in the store's per-group families */
    byte[] bytes() {
        byte[] groupBytes = group.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[1 + groupBytes.length];
        key[0] = type.tag();
        System.arraycopy(groupBytes, 0, key, 1, groupBytes.length);
        return key;
    }

    static GroupKey of(byte[] bytes) {
        return new GroupKey(ResourceType.ofTag(bytes[0]),
                new String(Arrays.copyOfRange(bytes, 1, bytes.length), StandardCharsets.UTF_8));
    }

    @Override
    public int compareTo(GroupKey other) {
        return ORDER.compare(this, other);
    }
}
