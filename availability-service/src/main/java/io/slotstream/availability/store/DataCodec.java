package io.slotstream.availability.store;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binary framing the internal state codecs share ({@link StateCodec} for the slot view, the booking decision
 * point's ledger codec): one format byte, then fields written with {@link DataOutputStream}; nullable strings and
 * longs carry a presence flag, lists an {@code int} size. Not a wire contract: only for stores and their changelogs.
 */
public final class DataCodec {

    private DataCodec() {
    }

    /** Writes one value's fields. */
    public interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    /** Reads one value's fields. */
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /**
     * A serde writing {@code format} then the value; null stays null (a tombstone).
     *
     * @param what        what the values are, for error messages (e.g. "state", "booking state")
     * @param formatHint  appended to the error for an unknown format byte (how to recover), may be empty
     * @throws SerializationException (from the serde) on an I/O failure or an unknown format byte
     */
    public static <T> Serde<T> serde(byte format, String what, String formatHint, Writer<T> writer, Reader<T> reader) {
        return serde(format, what, formatHint, writer, Map.of(format, reader));
    }

    /**
     * A serde writing {@code format} then the value, and reading every format in {@code readers}: a store or changelog
     * written by an earlier release (before a field was added) stays readable.
     *
     * @param readers the reader of each readable format byte; must contain {@code format}
     * @throws SerializationException (from the serde) on an I/O failure or a format byte not in {@code readers}
     */
    public static <T> Serde<T> serde(byte format, String what, String formatHint, Writer<T> writer,
                                     Map<Byte, Reader<T>> readers) {
        if (!readers.containsKey(format)) {
            throw new IllegalArgumentException("no reader for the written format " + format);
        }
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(format);
                writer.write(value, out);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + what + " " + value.getClass().getSimpleName(), e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte found = in.readByte();
                Reader<T> reader = readers.get(found);
                if (reader == null) {
                    throw new SerializationException("unknown " + what + " format " + found + " (expected " + format
                            + ")" + formatHint);
                }
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + what, e);
            }
        });
    }

    public static void writeString(String s, DataOutputStream out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    public static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    public static void writeLong(Long v, DataOutputStream out) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeLong(v);
        }
    }

    public static Long readLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    public static <T> void writeList(List<T> values, DataOutputStream out, Writer<T> element) throws IOException {
        out.writeInt(values.size());
        for (T v : values) {
            element.write(v, out);
        }
    }

    public static <T> List<T> readList(DataInputStream in, Reader<T> element) throws IOException {
        int size = in.readInt();
        List<T> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(element.read(in));
        }
        return values;
    }
}
