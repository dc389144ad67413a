package com.maclogin.cutover.orchestrator.report;

import java.util.List;

/**
 * One chart of the report: a series over the validation window against a threshold line.
 *
 * @param id             stable key ({@code latencyP95}, {@code errorRate}, {@code crashes}, {@code diskFree})
 * @param title          what is plotted
 * @param unit           unit of the values ({@code ms}, {@code %}, {@code crashes})
 * @param threshold      the rule's line, or {@code null} when it cannot be drawn (e.g. no baseline)
 * @param thresholdLabel what the line is ("5 x baseline 180 ms = 900 ms")
 * @param breachAbove    true when values above the line breach (latency, errors, crashes), false when below (disk)
 * @param inclusive      true when a value equal to the line breaches too (crashes: 3 of 3 trips the rule)
 * @param points         the series, oldest first; x = seconds since the first probe of the cutover
 * @param note           how the series was computed from the stored probes
 */
public record Chart(String id, String title, String unit, Double threshold, String thresholdLabel, boolean breachAbove,
        boolean inclusive, List<Point> points, String note) {

    /** One sample: seconds since the first probe, round, value. */
    public record Point(double seconds, int round, double value) {
    }

    /** Whether a value is on the wrong side of the line. */
    public boolean breaches(double value) {
        if (threshold == null) {
            return false;
        }
        if (inclusive && value == threshold) {
            return true;
        }
        return breachAbove ? value > threshold : value < threshold;
    }
}
