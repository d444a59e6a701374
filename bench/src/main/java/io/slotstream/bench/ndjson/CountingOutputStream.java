package io.slotstream.bench.ndjson;

import java.io.OutputStream;

/** Discards what is written and counts the bytes: the sink of the NDJSON microbenchmark (no I/O measured). */
public final class CountingOutputStream extends OutputStream {

    private long bytes;

    @Override
    public void write(int b) {
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes += len;
    }

    public long bytes() {
        return bytes;
    }

    public void reset() {
        bytes = 0;
    }
}
