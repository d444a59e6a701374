package io.slotstream.publish.conformance;

/**
 * One conformance failure of a publication.
 *
 * @param rule    the rule: a SMART Scheduling Links conformance id ({@code sched-N}) or checklist item of
 *                shared/spec/smart-scheduling-links.md §12 ({@code checklist-N}), e.g. {@code checklist-18}
 * @param where   the manifest field, or file URL and 1-based line number ({@code <url>#L12})
 * @param message what is wrong
 */
public record Violation(String rule, String where, String message) {

    @Override
    public String toString() {
        return rule + " at " + where + ": " + message;
    }
}
