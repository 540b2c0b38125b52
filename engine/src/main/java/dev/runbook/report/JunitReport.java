package dev.runbook.report;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code --junit FILE.xml}: the run as JUnit XML, the format Jenkins (junit, xunit) and GitLab read. One
 * {@code <testsuite>} named after the runbook; a test case per precondition ({@code runbook.NAME.preconditions}),
 * per step ({@code runbook.NAME.steps}; on a fleet one per step and host, {@code step@host}), per rollback action
 * ({@code runbook.NAME.rollback}, {@code step#N}) and per success check ({@code runbook.NAME.checks}). A failed
 * or timed-out step is a failure, a skipped one is skipped, a step the run stopped in is an error.
 */
public final class JunitReport {

    /**
     * One test case.
     *
     * @param outcome {@code passed}, {@code failure}, {@code error} or {@code skipped}
     * @param type    the kind of failure (such as {@code timed_out}), or null
     * @param message the one-line reason, or null
     * @param text    the longer account (error output), or null
     */
    record Case(String classname, String name, long millis, String outcome, String type, String message,
                String text) {
    }

    private JunitReport() {
    }

    /** The report as JUnit XML text. */
    public static String render(RunReport r) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("run.id", r.runId());
        properties.put("run.status", r.status() == null ? "stopped" : r.status());
        properties.put("run.verdict", r.verdict());
        properties.put("runbook.file", r.file());
        if (r.user() != null) {
            properties.put("run.user", r.user());
        }
        StringBuilder said = new StringBuilder(r.verdict() + ". " + r.message());
        r.next().forEach(n -> said.append('\n').append(n));
        return suite(r.runbook(), r.started().toString(), r.duration().toMillis(), r.runId(), properties, cases(r),
                said.toString());
    }

    /** One {@code <testsuite>} document: its name, timestamp, time, id (or null), properties, cases and output. */
    static String suite(String name, String timestamp, long millis, String id, Map<String, String> properties,
                        List<Case> cases, String systemOut) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", clean(name));
            x.writeAttribute("tests", Integer.toString(cases.size()));
            x.writeAttribute("failures", count(cases, "failure"));
            x.writeAttribute("errors", count(cases, "error"));
            x.writeAttribute("skipped", count(cases, "skipped"));
            x.writeAttribute("time", seconds(millis));
            x.writeAttribute("timestamp", timestamp);
            if (id != null) {
                x.writeAttribute("id", id);
            }
            x.writeCharacters("\n  ");
            x.writeStartElement("properties");
            for (var p : properties.entrySet()) {
                property(x, p.getKey(), p.getValue());
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            for (Case c : cases) {
                testcase(x, c);
            }
            x.writeCharacters("\n  ");
            x.writeStartElement("system-out");
            x.writeCharacters(clean(systemOut));
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write JUnit XML: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** Every test case, in the order of the run: preconditions, steps, rollback actions, success checks. */
    static List<Case> cases(RunReport r) {
        String base = "runbook." + r.runbook();
        List<Case> out = new ArrayList<>();
        for (RunReport.Check c : r.preconditions()) {
            out.add(check(base + ".preconditions", c));
        }
        for (RunReport.Step s : r.steps()) {
            if (s.hosts().isEmpty()) {
                out.add(step(base + ".steps", s.id(), s.durationMs(), s.status(), s.error(), s.stderr()));
            } else {
                s.hosts().forEach(h -> out.add(step(base + ".steps", s.id() + "@" + h.name(), h.durationMs(),
                        h.status(), h.reached() ? h.error() : "unreachable: " + h.error(), null)));
            }
        }
        if (r.rollback() != null) {
            for (RunReport.Action a : r.rollback().actions()) {
                String name = a.step() + "#" + a.number() + (a.host() == null ? "" : "@" + a.host());
                out.add(switch (a.status()) {
                    case "ok" -> new Case(base + ".rollback", name, a.durationMs(), "passed", null, null, null);
                    case "skipped" -> new Case(base + ".rollback", name, 0, "skipped", null,
                            a.when() == null ? null : "its guard does not hold: " + a.when(), null);
                    default -> new Case(base + ".rollback", name, a.durationMs(), "error", a.status(),
                            "compensation " + a.status().replace('_', ' ') + (a.error() == null ? "" : ": " + a.error()),
                            null);
                });
            }
        }
        for (RunReport.Check c : r.successChecks()) {
            out.add(check(base + ".checks", c));
        }
        return out;
    }

    private static Case step(String classname, String name, long millis, String status, String error, String stderr) {
        return switch (status) {
            case "ok" -> new Case(classname, name, millis, "passed", null, null, null);
            case "skipped" -> new Case(classname, name, 0, "skipped", null, error, null);
            case "failed", "timed_out" -> new Case(classname, name, millis, "failure", status,
                    error == null ? status : error, stderr);
            case "awaiting_approval" -> new Case(classname, name, 0, "skipped", null, "waiting for an approval", null);
            case "unanswered" -> new Case(classname, name, 0, "skipped", null, "the gate was never answered", null);
            default -> new Case(classname, name, millis, "error", status,
                    "the run stopped in this step (killed or interrupted)", null);
        };
    }

    private static Case check(String classname, RunReport.Check c) {
        if (c.holds()) {
            return new Case(classname, c.name(), 0, "passed", null, null, null);
        }
        String why = c.detail() != null ? c.detail() : c.message() != null ? c.message() : "does not hold";
        StringBuilder values = new StringBuilder();
        c.values().forEach((k, v) -> values.append(k).append(" = ").append(ReportBuilder.text(v)).append('\n'));
        return new Case(classname, c.name(), 0, "failure", "check", why, values.isEmpty() ? null : values.toString());
    }

    private static void testcase(XMLStreamWriter x, Case c) throws XMLStreamException {
        x.writeCharacters("\n  ");
        boolean passed = c.outcome().equals("passed");
        if (passed) {
            x.writeEmptyElement("testcase");
        } else {
            x.writeStartElement("testcase");
        }
        x.writeAttribute("classname", clean(c.classname()));
        x.writeAttribute("name", clean(c.name()));
        x.writeAttribute("time", seconds(c.millis()));
        if (passed) {
            return;
        }
        x.writeCharacters("\n    ");
        x.writeStartElement(c.outcome());
        if (c.type() != null) {
            x.writeAttribute("type", c.type());
        }
        if (c.message() != null) {
            x.writeAttribute("message", clean(c.message()));
        }
        if (c.text() != null) {
            x.writeCharacters(clean(c.text()));
        }
        x.writeEndElement();
        x.writeCharacters("\n  ");
        x.writeEndElement();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeCharacters("\n    ");
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", clean(value));
    }

    private static String count(List<Case> cases, String outcome) {
        return Long.toString(cases.stream().filter(c -> c.outcome().equals(outcome)).count());
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** Text without the characters XML 1.0 forbids (terminal escapes, NUL), which a command's output may hold. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(c -> c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000).forEach(b::appendCodePoint);
        return b.toString();
    }
}
