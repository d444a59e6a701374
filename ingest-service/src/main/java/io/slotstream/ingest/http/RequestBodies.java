package io.slotstream.ingest.http;

import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies with the two checks that come before parsing: the media type ({@code application/fhir+json}
 * or {@code application/json}, any parameters; else 415) and the size limit ({@code slotstream.ingest.max-body-bytes};
 * a larger {@code Content-Length} is refused before reading, a longer stream as soon as it passes the limit: 413).
 */
public final class RequestBodies {

    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
    private static final MediaType LEGACY_FHIR_JSON = MediaType.parseMediaType("application/json+fhir");

    private final long maxBytes;

    public RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @return the body bytes, at most {@code maxBytes}
     * @throws IntakeException 415, 413 or 400 (unreadable stream)
     */
    public byte[] read(HttpServletRequest request) {
        requireJson(request.getContentType());
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(declared);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw tooLarge(-1);
            }
            return body;
        } catch (IOException e) {
            throw new IntakeException(400, Issue.structure("structure", null, "HTTP", "The request body could not be read"));
        }
    }

    private void requireJson(String contentType) {
        MediaType type = null;
        if (contentType != null) {
            try {
                type = MediaType.parseMediaType(contentType);
            } catch (InvalidMediaTypeException e) {
                type = null;
            }
        }
        boolean ok = type != null && (FHIR_JSON.includes(type) || MediaType.APPLICATION_JSON.includes(type)
                || LEGACY_FHIR_JSON.includes(type)) && !type.isWildcardType() && !type.isWildcardSubtype();
        if (!ok) {
            throw new IntakeException(415, Issue.structure("not-supported", null, "FHIR R4 JSON (http.html#mime-type)",
                    "Content-Type must be application/fhir+json or application/json, was "
                            + (contentType == null ? "absent" : "'" + contentType + "'")));
        }
    }

    private IntakeException tooLarge(long declared) {
        return new IntakeException(413, Issue.structure("too-costly", null, "slotstream.ingest.max-body-bytes",
                "The body is larger than " + maxBytes + " bytes" + (declared > 0 ? " (Content-Length " + declared + ")" : "")));
    }
}
