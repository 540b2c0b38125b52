package dev.runbook.model;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the language's durations: {@code 250ms}, {@code 5s}, {@code 3m}, {@code 24h}, {@code 1h30m}, {@code 2d}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration the text denotes, or empty when it is not a duration. */
    public static Optional<Duration> parse(String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text.trim());
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(total);
    }

    /** The shortest text that {@link #parse} reads back as {@code d}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        // "24h" and "48h" read better than "1d" and "2d"; days only from 72h on
        for (int i = ms < 3 * units[0] ? 1 : 0; i < units.length; i++) {
            if (ms >= units[i]) {
                out.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return out.toString();
    }
}
