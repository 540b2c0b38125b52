package dev.runbook.report;

/** The HTML report's style sheet, inlined in the page: system fonts only, nothing fetched. */
final class HtmlStyle {

    static final String CSS = """
            :root { --ok: #2e7d32; --failed: #c62828; --skipped: #9e9e9e; --rolled: #6a1b9a; --pending: #1e88e5;
              --check: #ef6c00; --series: #1565c0; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; }
            * { box-sizing: border-box; }
            body { margin: 0 auto; max-width: 1040px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
            h1 { font-size: 24px; margin: 0 0 12px; }
            h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
            code { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace;
              background: #f6f8fa; padding: 1px 4px; border-radius: 4px; word-break: break-word; }
            .verdict { font-size: 16px; padding: 10px 14px; border-radius: 6px; border-left: 6px solid; margin: 0 0 14px; }
            .verdict.ok { background: #e8f5e9; border-color: var(--ok); }
            .verdict.failed { background: #ffebee; border-color: var(--failed); }
            .verdict.stopped { background: #fff8e1; border-color: #f9a825; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
            dl.facts dt { color: var(--muted); }
            dl.facts dd { margin: 0; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
            th { background: #f6f8fa; font-weight: 600; }
            td.num { white-space: nowrap; }
            td.detail { color: var(--muted); white-space: pre-wrap; word-break: break-word; max-width: 420px; }
            td.ok, li.ok { color: var(--ok); } td.failed, li.failed, b.failed { color: var(--failed); }
            td.skipped { color: var(--skipped); } td.pending { color: var(--pending); }
            .legend { color: var(--muted); font-size: 12.5px; margin: 4px 0; }
            .key { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px -1px 10px; }
            .key.ok { background: var(--ok); } .key.failed { background: var(--failed); }
            .key.skipped { background: var(--skipped); } .key.rolled-back { background: var(--rolled); }
            .key.pending { background: var(--pending); } .key.series { background: var(--series); height: 3px; }
            .key.trigger { border-top: 2px dashed var(--failed); height: 0; border-radius: 0; }
            .key.check { border-top: 2px dashed var(--check); height: 0; border-radius: 0; }
            .key.fired { background: var(--failed); border-radius: 50%; }
            svg { width: 100%; height: auto; display: block; font-size: 12px; }
            svg text { fill: var(--ink); }
            svg .axis { fill: var(--muted); font-size: 11px; }
            svg .grid { stroke: #eaeef2; stroke-width: 1; }
            .bar rect { stroke: none; }
            .bar.ok rect { fill: var(--ok); } .bar.failed rect { fill: var(--failed); }
            .bar.skipped rect { fill: var(--skipped); } .bar.rolled-back rect { fill: var(--rolled); }
            .bar.pending rect { fill: var(--pending); }
            .bar .time { fill: var(--muted); font-size: 11px; } .bar .time.in { fill: #fff; }
            .timeline .fired line { stroke: var(--failed); stroke-width: 2; stroke-dasharray: 4 3; }
            figure.chart { margin: 14px 0 22px; }
            figcaption { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
            .chart .plot { fill: #fbfcfd; stroke: var(--line); }
            .chart .series { fill: none; stroke: var(--series); stroke-width: 2; }
            .chart .point { fill: var(--series); }
            .chart line.threshold { stroke-width: 2; stroke-dasharray: 8 5; }
            .chart .threshold.trigger line { stroke: var(--failed); } .chart .threshold.trigger text { fill: var(--failed); }
            .chart .threshold.check line { stroke: var(--check); } .chart .threshold.check text { fill: var(--check); }
            .chart .threshold-label { font-size: 12px; font-weight: 600; paint-order: stroke; stroke: #fff;
              stroke-width: 3px; }
            .chart .fired line { stroke: var(--failed); stroke-width: 1.5; stroke-dasharray: 3 3; }
            .chart .fired circle { fill: none; stroke: var(--failed); stroke-width: 2.5; }
            .chart .fired text { fill: var(--failed); font-weight: 600; }
            .note { color: var(--muted); }
            """;

    private HtmlStyle() {
    }
}
