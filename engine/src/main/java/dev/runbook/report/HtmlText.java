package dev.runbook.report;

import java.time.Duration;
import java.util.Locale;

/** Text for the HTML report: escaping (every piece of text in the page goes through it) and number formats. */
final class HtmlText {

    private HtmlText() {
    }

    /** The text as HTML (and XML) character data or attribute value: {@code & < > " '} escaped; null as empty. */
    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // control characters (an ANSI escape in a step's stderr) are not allowed in XML: shown as a space
                    boolean control = c < 0x20 && c != '\n' && c != '\t' && c != '\r';
                    out.append(control || c == 0xFFFE || c == 0xFFFF ? ' ' : c);
                }
            }
        }
        return out.toString();
    }

    /** A number as short as it can be shown: {@code 800}, {@code 12.5}, {@code 0.25}. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** A coordinate in an SVG attribute, to a tenth of a unit. */
    static String xy(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A duration as people read it: {@code 850 ms}, {@code 12.4 s}, {@code 3 min 05 s}. */
    static String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        Duration d = Duration.ofMillis(ms);
        if (d.toHours() == 0) {
            return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
        }
        return String.format(Locale.ROOT, "%d h %02d min", d.toHours(), d.toMinutesPart());
    }

    /** An offset from the run's start, as an axis label: {@code +0s}, {@code +12.5s}, {@code +3m20s}. */
    static String offset(long ms) {
        if (Math.abs(ms) < 60_000) {
            return "+" + num(Math.round(ms / 100.0) / 10.0) + "s";
        }
        long s = Math.round(ms / 1000.0);
        return "+" + (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
}
