package com.maclogin.cutover.orchestrator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.orchestrator.api.ProbeResultView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's inline SVG charts and the series behind them (plain JUnit, no Quarkus). */
class SvgChartTest {

    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    static Chart chart(Double threshold, boolean above, List<Chart.Point> points) {
        return new Chart("latencyP95", "Integration latency P95", "ms", threshold, "5 x baseline 180 ms = 900 ms", above,
                false, points, "note");
    }

    @Test
    void theThresholdIsADashedLineAtItsValueWithItsLabelAndBreachingSamplesAreMarked() {
        // y axis: max(1000, 900) * 1.1 = 1100 -> nice ceiling 2000; plot height 220 - 28 - 34 = 158
        String svg = SvgChart.render(chart(900.0, true, List.of(new Chart.Point(0, 1, 100), new Chart.Point(10, 2, 1000))));

        assertThat(svg).startsWith("<svg ").endsWith("</svg>").doesNotContain("<script").doesNotContain("http");
        Matcher line = Pattern.compile("<line class=\"threshold\" x1=\"[0-9.]+\" y1=\"([0-9.]+)\"[^>]*stroke-dasharray")
                .matcher(svg);
        assertThat(line.find()).as(svg).isTrue();
        assertThat(Double.parseDouble(line.group(1))).isCloseTo(28 + 158 - 900.0 / 2000 * 158, org.assertj.core.data.Offset.offset(0.1));
        assertThat(svg).contains("5 x baseline 180 ms = 900 ms");
        assertThat(svg).contains("<polyline class=\"series\"");
        assertThat(count(svg, "class=\"sample breach\"")).isEqualTo(1);
        assertThat(count(svg, "class=\"sample\"")).isEqualTo(1);
    }

    @Test
    void belowTheLineBreachesForDiskAndEqualBreachesOnlyWhenInclusive() {
        Chart disk = new Chart("diskFree", "Disk free", "%", 10.0, "10 %", false, false,
                List.of(new Chart.Point(0, 1, 42), new Chart.Point(1, 2, 9.5)), "n");
        assertThat(count(SvgChart.render(disk), "sample breach")).isEqualTo(1);
        Chart crashes = new Chart("crashes", "Crashes", "crashes", 3.0, "3 crashes in 5 min", true, true,
                List.of(new Chart.Point(0, 1, 2), new Chart.Point(1, 2, 3)), "n");
        assertThat(crashes.breaches(3)).isTrue();
        assertThat(crashes.breaches(2)).isFalse();
        assertThat(chart(900.0, true, List.of()).breaches(900)).isFalse();
    }

    @Test
    void anEmptySeriesSaysSoAndStillDrawsTheThresholdButNoPolyline() {
        String svg = SvgChart.render(chart(900.0, true, List.of()));

        assertThat(svg).contains("no samples recorded").contains("class=\"threshold\"").doesNotContain("<polyline")
                .doesNotContain("<circle");
        assertThat(SvgChart.render(chart(null, true, List.of()))).contains("no samples recorded")
                .doesNotContain("class=\"threshold\"");
    }

    @Test
    void textInTheSvgIsEscaped() {
        Chart c = new Chart("x", "<script>alert(1)</script> & co", "ms", 1.0, "\"quoted\" <b>", true, false,
                List.of(new Chart.Point(0, 1, 2)), "n");
        String svg = SvgChart.render(c);
        assertThat(svg).doesNotContain("<script").doesNotContain("<b>").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
                .contains("&quot;quoted&quot; &lt;b&gt;");
    }

    @Test
    void theSeriesFollowTheTriggerRules() {
        List<ProbeResultView> probes = new ArrayList<>();
        // 20 integration probes of 100 ms then one of 2000 ms (FAILED): P95 of 21 values is the 20th smallest = 100
        for (int i = 1; i <= 21; i++) {
            probes.add(probe(i, ProbeLayer.INTEGRATION, i == 21 ? Verdict.FAILED : Verdict.PASSED, i == 21 ? 2000L : 100L,
                    Map.of()));
        }
        probes.add(probe(22, ProbeLayer.INTEGRATION, Verdict.FAILED, 3000L, Map.of("drillRecovery", "true")));
        // launchd runs 1 -> 1 -> 3 (two crashes) -> 4 six minutes later (the first two are out of the 300 s window)
        probes.add(probe(1, ProbeLayer.PROCESS, Verdict.PASSED, null, Map.of("runs", "1", "state", "running")));
        probes.add(probe(2, ProbeLayer.PROCESS, Verdict.PASSED, null, Map.of("runs", "1", "state", "running")));
        probes.add(probe(3, ProbeLayer.PROCESS, Verdict.FAILED, null, Map.of("runs", "3", "state", "running")));
        probes.add(probe(400, ProbeLayer.PROCESS, Verdict.FAILED, null, Map.of("runs", "4", "state", "running")));
        probes.add(probe(1, ProbeLayer.DISK, Verdict.PASSED, null, Map.of("diskFreePercent", "42.5")));
        probes.add(probe(2, ProbeLayer.DISK, Verdict.PASSED, null, Map.of("diskFreePercent", "not a number")));

        List<Chart> charts = ReportCharts.charts(probes, TriggerThresholds.playbook(), 180.0);

        assertThat(charts).extracting(Chart::id).containsExactly("latencyP95", "errorRate", "crashes", "diskFree");
        Chart latency = charts.get(0);
        // 5 x max(baseline 180, floor 200)
        assertThat(latency.threshold()).isEqualTo(1000.0);
        assertThat(latency.thresholdLabel()).isEqualTo("5 x baseline 180 ms (floor 200 ms) = 1000 ms");
        assertThat(latency.points()).hasSize(21);
        assertThat(latency.points().get(20).value()).isEqualTo(100.0);
        assertThat(latency.points().get(1).value()).isEqualTo(100.0);
        Chart errors = charts.get(1);
        assertThat(errors.points().get(20).value()).isCloseTo(100.0 / 21, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(errors.threshold()).isEqualTo(5.0);
        Chart crashes = charts.get(2);
        assertThat(crashes.points()).extracting(Chart.Point::value).containsExactly(0.0, 0.0, 2.0, 1.0);
        assertThat(crashes.threshold()).isEqualTo(3.0);
        assertThat(charts.get(3).points()).extracting(Chart.Point::value).containsExactly(42.5);
        assertThat(charts.get(3).threshold()).isEqualTo(10.0);
    }

    @Test
    void theRunTheRestartDrillStoppedIsNotACrash() {
        List<ProbeResultView> probes = List.of(
                probe(1, ProbeLayer.PROCESS, Verdict.PASSED, null, Map.of("runs", "1", "state", "running")),
                probe(2, ProbeLayer.PROCESS, Verdict.PASSED, null,
                        Map.of("runs", "2", "state", "running", "restartDrill", "kickstart -k")),
                probe(3, ProbeLayer.PROCESS, Verdict.PASSED, null, Map.of("runs", "3", "state", "running")));
        Chart crashes = ReportCharts.charts(probes, TriggerThresholds.playbook(), null).get(2);
        assertThat(crashes.points()).extracting(Chart.Point::value).containsExactly(0.0, 0.0, 1.0);
    }

    @Test
    void theLatestValueIsShownBesideTheTitle() {
        String svg = SvgChart.render(chart(900.0, true, List.of(new Chart.Point(0, 1, 100), new Chart.Point(1, 2, 950))));
        assertThat(svg).contains("class=\"latest\"").contains("latest 950 ms (2 samples)");
    }

    @Test
    void withoutABaselineTheLatencyLineIsTheAbsoluteLimitAndNoProbesGiveEmptySeries() {
        List<Chart> charts = ReportCharts.charts(List.of(), TriggerThresholds.playbook(), null);
        assertThat(charts.get(0).threshold()).isEqualTo(5000.0);
        assertThat(charts.get(0).thresholdLabel()).contains("no baseline");
        assertThat(charts).allSatisfy(c -> assertThat(c.points()).isEmpty());
    }

    static ProbeResultView probe(int second, ProbeLayer layer, Verdict v, Long latency, Map<String, String> observed) {
        return new ProbeResultView("m" + second + layer, 1, "cmd", second, layer, v, latency, "d", observed,
                T0.plusSeconds(second), T0.plusSeconds(second));
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
