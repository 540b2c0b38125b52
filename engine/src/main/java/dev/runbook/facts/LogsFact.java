package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Durations;
import dev.runbook.model.FactSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code logs} fact: the number of lines of a file, or of a command's stdout, that match {@code pattern} (a Java
 * regular expression, found anywhere in the line) and were written at or after {@code since}.
 *
 * <p>{@code since} is, rendered: a duration ({@code 15m}: that long before now), epoch milliseconds
 * ({@code ${run.start}}), an ISO-8601 date-time with or without offset ({@code 2024-05-01T10:00:00Z},
 * {@code 2024-05-01 10:00:00}, read in this machine's zone when it has none) or a date; without {@code since}, the
 * start of the run (of the plan, in a plan).
 *
 * <p>When a line was written is read from the first timestamp that starts within its first 48 characters:
 * {@code YYYY-MM-DDTHH:MM:SS} or {@code YYYY-MM-DD HH:MM:SS}, optionally with a fraction and an offset or {@code Z}
 * (this machine's zone without one), so {@code 2024-05-01 10:00:00,123 ERROR ...} and Rails'
 * {@code E, [2024-05-01T10:00:00.123456 #1] ERROR ...} both qualify. A line without a timestamp (a stack trace's
 * continuation) has the time of the last line before it that had one; lines before any timestamp, and so every line
 * of a log whose lines carry no timestamps, are counted whatever {@code since} says. A timestamp to the second counts
 * a line written in the second {@code since} falls in.
 *
 * <p>{@code container:} (Docker logs) comes with the Docker targets.
 */
final class LogsFact {

    /** Where a line's timestamp may start. */
    static final int STAMP_WITHIN = 48;
    static final Pattern STAMP = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2})(?:[.,](\\d{1,9}))?(?: ?(Z|[+-]\\d{2}:?\\d{2}))?");

    private LogsFact() {
    }

    static Long collect(FactSource.Logs l, FactRoots roots, Duration timeout) {
        if (l.container() != null) {
            throw new RunbookException("Docker logs come with the Docker targets; this version reads logs from a"
                    + " file or a command");
        }
        long since = l.since() == null ? roots.startMs() : since(roots.render(l.since(), false), roots);
        Counter counter = new Counter(Pattern.compile(l.pattern()), since);
        if (l.file() != null) {
            String path = roots.render(l.file(), false);
            return Deadline.within(timeout, "reading " + roots.show(l.file(), false), () -> {
                read(Path.of(path), counter);
                return counter.count;
            });
        }
        ShellFact.lines(roots.render(l.command(), true), roots.show(l.command(), true), timeout, roots.masker(),
                counter::line);
        return counter.count;
    }

    /** As {@link #collect}, with the file read or the command run on the host {@code on} reaches. */
    static Long collectOn(dev.runbook.exec.Executor on, FactSource.Logs l, FactRoots roots, Duration timeout) {
        if (l.container() != null) {
            return collect(l, roots, timeout);
        }
        long since = l.since() == null ? roots.startMs() : since(roots.render(l.since(), false), roots);
        Counter counter = new Counter(Pattern.compile(l.pattern()), since);
        if (l.file() != null) {
            String path = roots.render(l.file(), false);
            ShellFact.lines(on, "cat -- " + dev.runbook.expr.ShellQuote.quote(path), "reading " + roots.show(l.file(),
                    false) + " on " + on.host(), timeout, roots.masker(), counter::line);
        } else {
            ShellFact.lines(on, roots.render(l.command(), true), roots.show(l.command(), true), timeout,
                    roots.masker(), counter::line);
        }
        return counter.count;
    }

    private static void read(Path file, Counter counter) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while ((line = r.readLine()) != null) {
                counter.line(line);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (NoSuchFileException e) {
            throw new RunbookException("no such file: " + file);
        } catch (IOException e) {
            throw new RunbookException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The point in time {@code since} names, epoch ms. */
    static long since(String text, FactRoots roots) {
        String t = text.trim();
        Optional<Duration> ago = Durations.parse(t);
        if (ago.isPresent()) {
            return System.currentTimeMillis() - ago.get().toMillis();
        }
        if (t.matches("[0-9]{1,18}")) {
            return Long.parseLong(t);
        }
        Matcher m = STAMP.matcher(t);
        long[] at = m.matches() ? instant(m) : null;
        if (at != null) {
            return at[0];
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new RunbookException("since: '" + roots.mask(t) + "' is not a duration (15m), epoch milliseconds or"
                    + " a date-time (2024-05-01T10:00:00Z)");
        }
    }

    /** The time of the timestamp at the start of {@code line} (epoch ms, rounded up to its precision), or null. */
    static Long stamp(String line) {
        Matcher m = STAMP.matcher(line);
        if (!m.find() || m.start() > STAMP_WITHIN) {
            return null;
        }
        long[] at = instant(m);
        return at == null ? null : at[0] + at[1];
    }

    /** The instant a timestamp match names (epoch ms) and how many ms more its precision leaves open; or null. */
    private static long[] instant(Matcher m) {
        try {
            LocalDateTime local = LocalDateTime.parse(m.group(1) + "T" + m.group(2));
            long upTo = 999;
            if (m.group(3) != null) {
                local = local.withNano(Integer.parseInt((m.group(3) + "000000000").substring(0, 9)));
                upTo = m.group(3).length() >= 3 ? 0 : (long) Math.pow(10, 3 - m.group(3).length()) - 1;
            }
            Instant at = m.group(4) == null ? local.atZone(ZoneId.systemDefault()).toInstant()
                    : OffsetDateTime.of(local, ZoneOffset.of(offset(m.group(4)))).toInstant();
            return new long[] {at.toEpochMilli(), upTo};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String offset(String z) {
        if (z.equals("Z")) {
            return "Z";
        }
        return z.length() == 5 ? z.substring(0, 3) + ":" + z.substring(3) : z;
    }

    /** Counts the matching lines at or after {@code since}, each line dated by its own or an earlier timestamp. */
    static final class Counter {
        private final Pattern pattern;
        private final long since;
        private Long current;
        long count;

        Counter(Pattern pattern, long since) {
            this.pattern = pattern;
            this.since = since;
        }

        void line(String line) {
            Long at = stamp(line);
            if (at != null) {
                current = at;
            }
            if ((current == null || current >= since) && pattern.matcher(line).find()) {
                count++;
            }
        }
    }
}
