package io.slotstream.edge.outcome;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat's last-resort error page as an OperationOutcome in FHIR JSON instead of Tomcat's HTML report (which shows
 * the server version and, for a 500, the exception): used for errors the container answers itself, before or
 * outside the application's {@code /error} page.
 */
public class FhirErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = headersTooLarge(response, throwable) ? 431 : response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            response.resetBuffer();
            response.setStatus(status);
            response.setContentType(OperationOutcomes.FHIR_JSON.toString());
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(OperationOutcomes.json(FhirErrorController.outcome(status)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing more can be said
        }
    }

    /** Tomcat answers a request whose headers exceed {@code maxHttpRequestHeaderSize} with a bare 400. */
    private static boolean headersTooLarge(Response response, Throwable throwable) {
        if (response.getStatus() != 400) {
            return false;
        }
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("header") && message.contains("too large")) {
                return true;
            }
        }
        return false;
    }
}
