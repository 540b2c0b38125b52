package dev.runbook.report;

import static dev.runbook.report.HtmlText.esc;
import static dev.runbook.report.HtmlText.num;
import static dev.runbook.report.HtmlText.xy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.DoubleStream;

/**
 * One fact's line chart, as inline SVG in a {@code <figure>}: its values over the time it was collected, the
 * thresholds that compare it drawn as labelled dashed horizontal lines (red for a trigger, orange for a monitor
 * check), the moments a trigger fired marked, and a caption that says what is drawn and what could not be.
 */
final class HtmlChart {

    private static final double W = 960;
    private static final double H = 280;
    private static final double LEFT = 70;
    private static final double RIGHT = 940;
    private static final double TOP = 24;
    private static final double BOTTOM = 234;

    private final HtmlFactSeries series;
    private final List<HtmlThresholds.Threshold> thresholds;
    private final Instant runStart;
    private final StringBuilder svg = new StringBuilder();
    private long t0;
    private long t1;
    private double lo;
    private double hi;
    private double tick;

    private HtmlChart(HtmlFactSeries series, List<HtmlThresholds.Threshold> thresholds, Instant runStart) {
        this.series = series;
        this.thresholds = thresholds;
        this.runStart = runStart;
    }

    /** The chart of {@code series} with the thresholds over it; {@code problem} says why none could be read. */
    static String render(HtmlFactSeries series, List<HtmlThresholds.Threshold> thresholds, String problem,
                         Instant runStart) {
        HtmlChart c = new HtmlChart(series, thresholds, runStart);
        c.scale();
        c.draw();
        return "<figure class=\"chart\" id=\"chart-" + esc(series.label().replaceAll("[^\\w.-]", "_")) + "\">\n"
                + c.svg + "<figcaption>" + c.caption(problem) + "</figcaption>\n</figure>\n";
    }

    private List<HtmlThresholds.Threshold> drawn() {
        return thresholds.stream().filter(t -> t.value() != null).toList();
    }

    private void scale() {
        List<Long> times = new ArrayList<>();
        series.points().forEach(p -> times.add(p.time().toEpochMilli()));
        series.fired().forEach(m -> times.add(m.time().toEpochMilli()));
        t0 = times.stream().min(Long::compare).orElseThrow();
        t1 = Math.max(times.stream().max(Long::compare).orElseThrow(), t0 + 1000);
        double[] all = DoubleStream.concat(DoubleStream.concat(
                series.points().stream().mapToDouble(HtmlFactSeries.Point::value),
                series.fired().stream().mapToDouble(HtmlFactSeries.Marker::value)),
                drawn().stream().mapToDouble(HtmlThresholds.Threshold::value)).toArray();
        double min = Math.min(0, DoubleStream.of(all).min().orElse(0));
        double max = DoubleStream.of(all).max().orElse(1);
        if (max <= min) {
            max = min + 1;
        }
        tick = nice((max - min) / 4);
        lo = Math.floor(min / tick) * tick;
        hi = Math.ceil((max + (max - min) * 0.08) / tick) * tick;
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
    private static double nice(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private double x(Instant t) {
        return LEFT + (RIGHT - LEFT) * (t.toEpochMilli() - t0) / (double) (t1 - t0);
    }

    private double y(double v) {
        return BOTTOM - (BOTTOM - TOP) * (v - lo) / (hi - lo);
    }

    private void draw() {
        String unit = series.unit().isEmpty() ? "" : " " + series.unit();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(num(W)).append(' ').append(num(H))
                .append("\" role=\"img\" aria-label=\"").append(esc(series.label())).append(" over time\"")
                .append(" data-fact=\"").append(esc(series.label())).append("\" data-y-min=\"").append(num(lo))
                .append("\" data-y-max=\"").append(num(hi)).append("\">\n");
        svg.append("<rect class=\"plot\" x=\"").append(xy(LEFT)).append("\" y=\"").append(xy(TOP))
                .append("\" width=\"").append(xy(RIGHT - LEFT)).append("\" height=\"").append(xy(BOTTOM - TOP))
                .append("\"/>\n");
        for (double v = lo; v <= hi + tick / 2; v += tick) {
            svg.append("<line class=\"grid\" x1=\"").append(xy(LEFT)).append("\" x2=\"").append(xy(RIGHT))
                    .append("\" y1=\"").append(xy(y(v))).append("\" y2=\"").append(xy(y(v))).append("\"/>")
                    .append("<text class=\"axis\" x=\"").append(xy(LEFT - 6)).append("\" y=\"").append(xy(y(v) + 4))
                    .append("\" text-anchor=\"end\">").append(esc(num(v))).append("</text>\n");
        }
        for (int i = 0; i <= 5; i++) {
            long at = t0 + (t1 - t0) * i / 5;
            svg.append("<text class=\"axis\" x=\"").append(xy(LEFT + (RIGHT - LEFT) * i / 5)).append("\" y=\"")
                    .append(xy(BOTTOM + 18)).append("\" text-anchor=\"middle\">")
                    .append(esc(HtmlText.offset(at - runStart.toEpochMilli()))).append("</text>\n");
        }
        StringBuilder line = new StringBuilder();
        series.points().forEach(p -> line.append(xy(x(p.time()))).append(',').append(xy(y(p.value()))).append(' '));
        svg.append("<polyline class=\"series\" points=\"").append(line.toString().trim()).append("\"/>\n");
        for (HtmlFactSeries.Point p : series.points()) {
            svg.append("<circle class=\"point\" cx=\"").append(xy(x(p.time()))).append("\" cy=\"")
                    .append(xy(y(p.value()))).append("\" r=\"3\"><title>")
                    .append(esc(HtmlText.offset(Duration.between(runStart, p.time()).toMillis()) + ": "
                            + num(p.value()) + unit)).append("</title></circle>\n");
        }
        List<HtmlThresholds.Threshold> drawn = drawn();
        for (int i = 0; i < drawn.size(); i++) {
            threshold(drawn.get(i), i, unit);
        }
        series.fired().forEach(m -> fired(m, unit));
        svg.append("</svg>\n");
    }

    private void threshold(HtmlThresholds.Threshold t, int i, String unit) {
        double y = y(t.value());
        String label = t.name() + " (" + t.owner() + "): " + t.comparison().op() + " " + num(t.value()) + unit
                + (isLiteral(t) ? "" : " = " + t.comparison().bound());
        boolean right = i % 2 == 0;
        svg.append("<g class=\"threshold ").append(t.trigger() ? "trigger" : "check").append("\" data-name=\"")
                .append(esc(t.name())).append("\" data-value=\"").append(esc(num(t.value()))).append("\">")
                .append("<line class=\"threshold\" x1=\"").append(xy(LEFT)).append("\" x2=\"").append(xy(RIGHT))
                .append("\" y1=\"").append(xy(y)).append("\" y2=\"").append(xy(y)).append("\"/>")
                .append("<text class=\"threshold-label\" x=\"").append(xy(right ? RIGHT - 14 : LEFT + 6))
                .append("\" y=\"").append(xy(y - 5)).append("\" text-anchor=\"").append(right ? "end" : "start")
                .append("\">").append(esc(label)).append("</text></g>\n");
    }

    private static boolean isLiteral(HtmlThresholds.Threshold t) {
        return HtmlFactSeries.number(t.comparison().bound()) != null;
    }

    private void fired(HtmlFactSeries.Marker m, String unit) {
        double x = x(m.time());
        double y = y(m.value());
        svg.append("<g class=\"fired\" data-trigger=\"").append(esc(m.trigger())).append("\" data-value=\"")
                .append(esc(num(m.value()))).append("\"><line x1=\"").append(xy(x)).append("\" x2=\"").append(xy(x))
                .append("\" y1=\"").append(xy(TOP)).append("\" y2=\"").append(xy(BOTTOM)).append("\"/>")
                .append("<circle cx=\"").append(xy(x)).append("\" cy=\"").append(xy(y)).append("\" r=\"6\"><title>")
                .append(esc("fired: " + m.trigger() + " at " + num(m.value()) + unit)).append("</title></circle>")
                .append("<text x=\"").append(xy(x - 8)).append("\" y=\"").append(xy(TOP + 14))
                .append("\" text-anchor=\"end\">").append(esc("fired: " + m.trigger())).append("</text></g>\n");
    }

    private String caption(String problem) {
        StringBuilder c = new StringBuilder("<b>").append(esc(series.label())).append("</b> (")
                .append(esc(series.kind())).append(" fact").append(series.unit().isEmpty() ? "" : ", " + series.unit())
                .append("): ").append(series.points().size()).append(" value(s) of ").append(series.times())
                .append(" collection(s)");
        if (series.failures() > 0) {
            c.append(", ").append(series.failures()).append(" failed");
        }
        c.append('.');
        if (problem != null) {
            c.append(" No threshold drawn: ").append(esc(problem)).append('.');
        }
        for (HtmlThresholds.Threshold t : drawn()) {
            c.append(" Dashed: <i>").append(esc(t.name())).append("</i> (").append(esc(t.owner())).append(") <code>")
                    .append(esc(t.comparison().text())).append("</code>.");
        }
        for (HtmlThresholds.Threshold t : thresholds) {
            if (t.value() == null) {
                c.append(" Not drawn: <i>").append(esc(t.name())).append("</i> <code>")
                        .append(esc(t.comparison().text())).append("</code>: ").append(esc(t.notDrawn())).append('.');
            }
        }
        return c.toString();
    }
}
