package io.slotstream.availability.query;

import io.slotstream.availability.store.AvroBinarySerde;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Body of the internal peer responses ({@code application/x-slotstream-partial}): int total, int n, then n times
 * (int length, plain Avro binary of the record). Both ends run the same build, so the class schema is shared.
 */
public final class RecordListCodec {

    /** Media type of the internal responses. */
    public static final String MEDIA_TYPE = "application/x-slotstream-partial";

    private RecordListCodec() {
    }

    public static <T extends SpecificRecord> byte[] encode(Partial<T> partial, AvroBinarySerde<T> serde) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(partial.total());
            out.writeInt(partial.first().size());
            for (T item : partial.first()) {
                byte[] b = serde.toBytes(item);
                out.writeInt(b.length);
                out.write(b);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws UncheckedIOException when the body is truncated */
    public static <T extends SpecificRecord> Partial<T> decode(byte[] body, AvroBinarySerde<T> serde) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
            int total = in.readInt();
            int n = in.readInt();
            List<T> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(serde.fromBytes(in.readNBytes(in.readInt())));
            }
            return new Partial<>(total, items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
