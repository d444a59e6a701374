package io.slotstream.booking.fhir;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * A response whose body writer and stream ignore {@code flush()}: the container still sends the body when its buffer
 * fills and when the request completes. Why: HAPI's JSON encoder writes each string element through Jackson's
 * {@code ObjectMapper.writeValue}, which flushes after every value, so without this one Appointment answer became
 * dozens of one-field HTTP chunks and as many socket writes (a quarter of booking-bridge's request CPU under the
 * {@code booking} benchmark). {@link #flushBuffer()} (an explicit request to commit the response) still flushes.
 */
final class DeferredFlushResponse extends HttpServletResponseWrapper {

    private PrintWriter writer;
    private ServletOutputStream stream;

    DeferredFlushResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(super.getWriter(), false) {
                @Override
                public void flush() {
                    // deferred: the container flushes when its buffer fills or the response completes
                }
            };
        }
        return writer;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            ServletOutputStream target = super.getOutputStream();
            stream = new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    target.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    target.write(b, off, len);
                }

                @Override
                public void flush() {
                    // deferred, as for the writer
                }

                @Override
                public void close() throws IOException {
                    target.close();
                }

                @Override
                public boolean isReady() {
                    return target.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    target.setWriteListener(listener);
                }
            };
        }
        return stream;
    }
}
