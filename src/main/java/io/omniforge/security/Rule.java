package io.omniforge.security;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One redaction rule: a cheap scan for the spans of a text where a finding can be (runs of digits, the words around
 * an '@'; or the whole text when a quick test passes), a precompiled expression that finds candidates in those spans
 * only, and a check of each candidate (a checksum, a format) that says where the finding ends, or that it is none.
 * The built-in expressions start with a look-behind boundary and use possessive or bounded quantifiers, so a
 * rejected candidate costs little and no input makes them backtrack without bound.
 *
 * <p>When the expression has a named group {@value #GROUP}, only that group is replaced (the value of
 * {@code password=...}, the token after {@code Bearer}); otherwise the whole match is.
 */
final class Rule {

    /** The named group that holds the part of a match to replace. */
    static final String GROUP = "redact";
    static final String PLACEHOLDER_START = "[REDACTED:";

    /**
     * The spans of a text worth searching, as start and end pairs in order ({@code [s0, e0, s1, e1, ...]}); empty
     * when the text cannot hold a finding. The expression sees the text around a span (its boundaries look there),
     * but a candidate lies inside one.
     */
    @FunctionalInterface
    interface Spans {
        int[] NONE = new int[0];

        int[] of(String text);

        /** The whole text, when the test passes. */
        static Spans where(Predicate<String> mayMatch) {
            return text -> mayMatch.test(text) ? new int[] {0, text.length()} : NONE;
        }
    }

    /** Where a candidate's finding ends ({@code end}, less, or more), or -1 when the candidate is no finding. */
    @FunctionalInterface
    interface Check {
        Check ANY = (text, start, end) -> end;

        int accept(String text, int start, int end);
    }

    private final Function<Matcher, String> kind;
    private final Pattern pattern;
    private final Spans spans;
    private final Check check;
    private final boolean group;

    Rule(String kind, Pattern pattern, Spans spans, Check check) {
        this(m -> kind, pattern, spans, check);
    }

    /** A rule whose kind depends on the match (the key of a {@code password=...} pair). */
    Rule(Function<Matcher, String> kind, Pattern pattern, Spans spans, Check check) {
        this.kind = kind;
        this.pattern = pattern;
        this.spans = spans;
        this.check = check;
        this.group = pattern.pattern().contains("(?<" + GROUP + ">");
    }

    static String placeholder(String kind) {
        return PLACEHOLDER_START + kind + "]";
    }

    /**
     * The text with every finding replaced by its placeholder, each counted under its kind; the same instance when
     * nothing was found. A candidate that overlaps a placeholder (of an earlier rule, or of an earlier crossing) is
     * left alone, so nothing is redacted or counted twice.
     */
    String apply(String text, Map<String, Integer> counts) {
        int[] where = spans.of(text);
        if (where.length == 0) {
            return text;
        }
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        boolean placeholders = text.contains(PLACEHOLDER_START);
        StringBuilder out = null;
        int copied = 0;
        for (int span = 0; span + 1 < where.length; span += 2) {
            int from = Math.max(where[span], copied);
            int until = where[span + 1];
            while (from < until && m.region(from, until).find()) {
                int start = group ? m.start(GROUP) : m.start();
                int end = group ? m.end(GROUP) : m.end();
                int accepted = start < 0 || end <= start || (placeholders && overlapsPlaceholder(text, start, end))
                        ? -1 : check.accept(text, start, end);
                if (accepted <= start) {
                    from = m.start() + 1;
                    continue;
                }
                String k = kind.apply(m);
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, start).append(placeholder(k));
                copied = accepted;
                counts.merge(k, 1, Integer::sum);
                from = Math.max(accepted, m.start() + 1);
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** Whether [start, end) touches a placeholder: only the last one starting before {@code end} can. */
    private static boolean overlapsPlaceholder(String text, int start, int end) {
        int open = text.lastIndexOf(PLACEHOLDER_START, end - 1);
        return open >= 0 && text.indexOf(']', open) >= start;
    }
}
