package dev.runbook.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --json-report FILE.json}: the content of the Markdown report as one JSON object, for dashboards and
 * scripts. {@code schemas/report.schema.json} describes it; a field without a value is left out.
 */
public final class JsonReport {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private JsonReport() {
    }

    /** The report as JSON text. */
    public static String render(RunReport r) {
        return JSON.writeValueAsString(toMap(r)) + "\n";
    }

    /** The report as the maps and lists its JSON is written from. */
    static Map<String, Object> toMap(RunReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "runbook", r.runbook());
        put(m, "run_id", r.runId());
        put(m, "file", r.file());
        put(m, "user", r.user());
        put(m, "started", r.started().toString());
        put(m, "ended", r.ended().toString());
        put(m, "duration_ms", r.duration().toMillis());
        put(m, "status", r.status() == null ? "stopped" : r.status());
        put(m, "verdict", r.verdict());
        put(m, "message", r.message());
        put(m, "over", r.over());
        put(m, "params", r.params());
        put(m, "resumes", r.resumes());
        m.put("steps", r.steps().stream().map(JsonReport::step).toList());
        m.put("skipped", r.steps().stream().filter(RunReport.Step::skipped).map(s -> {
            Map<String, Object> k = new LinkedHashMap<>();
            put(k, "step", s.id());
            put(k, "reason", s.error() == null ? "skipped" : s.error());
            return k;
        }).toList());
        m.put("preconditions", r.preconditions().stream().map(JsonReport::check).toList());
        m.put("triggers", r.triggers().stream().map(t -> {
            Map<String, Object> k = new LinkedHashMap<>();
            put(k, "name", t.name());
            put(k, "when", t.when());
            put(k, "after_step", t.afterStep());
            put(k, "message", t.message());
            put(k, "values", t.values());
            return k;
        }).toList());
        m.put("facts", r.facts().stream().map(f -> {
            Map<String, Object> k = new LinkedHashMap<>();
            put(k, "name", f.name());
            put(k, "kind", f.kind());
            put(k, "value", f.value());
            put(k, "error", f.error());
            put(k, "time", f.time().toString());
            put(k, "times", f.times());
            return k;
        }).toList());
        m.put("approvals", r.approvals().stream().map(a -> {
            Map<String, Object> k = new LinkedHashMap<>();
            put(k, "step", a.step());
            put(k, "question", a.question());
            put(k, "answer", a.answer());
            return k;
        }).toList());
        if (r.rollback() != null) {
            m.put("rollback", rollback(r.rollback()));
        }
        m.put("success_checks", r.successChecks().stream().map(JsonReport::check).toList());
        m.put("next", r.next());
        return m;
    }

    private static Map<String, Object> step(RunReport.Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "id", s.id());
        put(m, "name", s.name());
        put(m, "kind", s.kind());
        put(m, "target", s.target());
        put(m, "status", s.status());
        put(m, "duration_ms", s.durationMs());
        put(m, "attempts", s.attempts());
        put(m, "exit_code", s.exitCode());
        put(m, "error", s.error());
        put(m, "stderr", s.stderr());
        if (!s.hosts().isEmpty()) {
            put(m, "hosts_ok", s.hostsOk());
            put(m, "hosts_failed", s.hostsFailed());
            List<Map<String, Object>> hosts = new ArrayList<>();
            for (RunReport.Host h : s.hosts()) {
                Map<String, Object> k = new LinkedHashMap<>();
                put(k, "name", h.name());
                put(k, "status", h.status());
                put(k, "duration_ms", h.durationMs());
                put(k, "exit_code", h.exitCode());
                put(k, "error", h.error());
                put(k, "reached", h.reached());
                hosts.add(k);
            }
            m.put("hosts", hosts);
        }
        return m;
    }

    private static Map<String, Object> check(RunReport.Check c) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "name", c.name());
        put(m, "holds", c.holds());
        put(m, "detail", c.detail());
        put(m, "message", c.message());
        if (!c.values().isEmpty()) {
            m.put("values", c.values());
        }
        return m;
    }

    private static Map<String, Object> rollback(RunReport.Rollback rb) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "reason", rb.reason());
        put(m, "complete", rb.complete());
        m.put("actions", rb.actions().stream().map(a -> {
            Map<String, Object> k = new LinkedHashMap<>();
            put(k, "step", a.step());
            put(k, "action", a.number());
            put(k, "host", a.host());
            put(k, "kind", a.kind());
            put(k, "status", a.status());
            put(k, "duration_ms", a.durationMs());
            put(k, "error", a.error());
            put(k, "when", a.when());
            return k;
        }).toList());
        m.put("failed", rb.failed());
        put(m, "irreversible", rb.irreversible());
        m.put("not_rolled_back", rb.notRolledBack());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
