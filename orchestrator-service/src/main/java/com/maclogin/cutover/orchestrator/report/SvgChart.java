package com.maclogin.cutover.orchestrator.report;

import java.util.Locale;

/**
 * Draws a {@link Chart} as a self-contained inline SVG (no script, no external reference): axes, the series as a
 * polyline with one dot per sample (red where it breaches), the threshold as a dashed red line with its label. An empty
 * series shows "no samples" and still the threshold line, so a reader sees what would have been judged.
 */
public final class SvgChart {

    static final int WIDTH = 640;
    static final int HEIGHT = 220;
    static final int LEFT = 56;
    static final int RIGHT = 16;
    static final int TOP = 28;
    static final int BOTTOM = 34;

    private SvgChart() {
    }

    public static String render(Chart c) {
        double maxX = 0;
        double maxY = 0;
        for (Chart.Point p : c.points()) {
            maxX = Math.max(maxX, p.seconds());
            maxY = Math.max(maxY, p.value());
        }
        if (c.threshold() != null) {
            maxY = Math.max(maxY, c.threshold());
        }
        maxY = maxY <= 0 ? 1 : niceCeiling(maxY * 1.1);
        maxX = maxX <= 0 ? 1 : maxX;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder(2048);
        s.append("<svg class=\"chart\" id=\"chart-").append(Html.escape(c.id()))
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(c.title())).append("\">");
        s.append("<title>").append(Html.escape(c.title())).append("</title>");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" fill=\"#ffffff\"/>");
        s.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\" font-weight=\"bold\">")
                .append(Html.escape(c.title())).append("</text>");
        if (!c.points().isEmpty()) {
            Chart.Point last = c.points().get(c.points().size() - 1);
            s.append("<text class=\"latest\" x=\"").append(WIDTH - RIGHT).append("\" y=\"18\" text-anchor=\"end\" font-size=\"12\" fill=\"")
                    .append(c.breaches(last.value()) ? "#c62828" : "#1b5e20").append("\">latest ").append(fmt(last.value())).append(' ')
                    .append(Html.escape(c.unit())).append(" (").append(c.points().size()).append(" samples)</text>");
        }
        // axes
        s.append(line(LEFT, TOP, LEFT, TOP + plotH, "#444", null, "axis"));
        s.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#444", null, "axis"));
        s.append(text(LEFT - 6, TOP + 4, "end", fmt(maxY) + (c.unit().length() <= 2 ? " " + c.unit() : "")));
        s.append(text(LEFT - 6, TOP + plotH, "end", "0"));
        s.append(text(LEFT, TOP + plotH + 16, "start", "0 s"));
        s.append(text(LEFT + plotW, TOP + plotH + 16, "end", fmt(maxX) + " s"));
        if (c.threshold() != null) {
            double y = TOP + plotH - c.threshold() / maxY * plotH;
            s.append(line(LEFT, y, LEFT + plotW, y, "#c62828", "6 4", "threshold"));
            s.append("<text class=\"threshold-label\" x=\"").append(num(LEFT + plotW - 4)).append("\" y=\"")
                    .append(num(y - 4)).append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#c62828\">")
                    .append(Html.escape(c.thresholdLabel())).append("</text>");
        }
        if (c.points().isEmpty()) {
            s.append("<text class=\"empty\" x=\"").append(num(LEFT + plotW / 2)).append("\" y=\"")
                    .append(num(TOP + plotH / 2)).append("\" text-anchor=\"middle\" font-size=\"13\" fill=\"#777\">")
                    .append("no samples recorded</text>");
        } else {
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (Chart.Point p : c.points()) {
                double x = LEFT + p.seconds() / maxX * plotW;
                double y = TOP + plotH - p.value() / maxY * plotH;
                pts.append(num(x)).append(',').append(num(y)).append(' ');
                boolean bad = c.breaches(p.value());
                dots.append("<circle class=\"").append(bad ? "sample breach" : "sample").append("\" cx=\"").append(num(x))
                        .append("\" cy=\"").append(num(y)).append("\" r=\"2.5\" fill=\"")
                        .append(bad ? "#c62828" : "#1565c0").append("\"><title>round ").append(p.round()).append(": ")
                        .append(fmt(p.value())).append(' ').append(Html.escape(c.unit())).append(" at ")
                        .append(fmt(p.seconds())).append(" s</title></circle>");
            }
            s.append("<polyline class=\"series\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"")
                    .append(pts.toString().trim()).append("\"/>");
            s.append(dots);
        }
        s.append("</svg>");
        return s.toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, String dash, String cls) {
        return "<line class=\"" + cls + "\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\""
                + num(y2) + "\" stroke=\"" + stroke + "\"" + (dash == null ? "" : " stroke-dasharray=\"" + dash + "\"")
                + "/>";
    }

    private static String text(double x, double y, String anchor, String t) {
        return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"11\" fill=\"#444\">"
                + Html.escape(t) + "</text>";
    }

    /** 1, 2, 2.5, 5 or 10 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
