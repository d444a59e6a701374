package io.slotstream.publish.snapshot;

import java.time.Instant;
import java.util.Locale;

/**
 * Why a cut failed: when (UTC), the messages of the failure's causes (they name the file or directory), and whether
 * the disk was full ({@code ENOSPC} "No space left on device", or {@code EDQUOT} "Disk quota exceeded").
 *
 * @param at       when the cut failed
 * @param message  the causes' messages, outermost first, prefixed with {@code "disk full: "} when {@code diskFull}
 * @param diskFull whether a cause reports a full disk or an exhausted quota
 */
public record CutFailure(Instant at, String message, boolean diskFull) {

    static CutFailure of(Instant at, Throwable failure) {
        StringBuilder messages = new StringBuilder();
        boolean full = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            String lower = message.toLowerCase(Locale.ROOT);
            full |= lower.contains("no space left on device") || lower.contains("disk quota exceeded");
            if (messages.indexOf(message) < 0) {
                messages.append(messages.isEmpty() ? "" : "; ").append(message);
            }
        }
        return new CutFailure(at, (full ? "disk full: " : "") + messages, full);
    }
}
