package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Grafana dashboard against the running shared stack (no cutover is started here): every metric name in a panel
 * expression of {@code deploy/grafana/cutover-dashboard.json} is exported by the service it belongs to (its
 * {@code /q/metrics}, scraped without credentials like {@code /q/health}), the dashboard has a panel for each metric
 * the README promises, and no label value of any service carries a token or a lease secret.
 */
@ExtendWith(SharedStack.class)
@org.junit.jupiter.api.Order(4)
class MetricsEndToEndTest {

    /** The metric families the dashboard must show, and the service that exports each (README "Metrics and traces"). */
    static final Map<String, String> PROMISED = new LinkedHashMap<>();

    static {
        PROMISED.put("cutover_step_duration_seconds", "orchestrator-service");
        PROMISED.put("cutover_cutovers", "orchestrator-service");
        PROMISED.put("cutover_leases", "orchestrator-service");
        PROMISED.put("rollback_breach_to_restored_seconds", "rollback-service");
        PROMISED.put("probe_latency_seconds", "probe-service");
        PROMISED.put("notifier_deliveries_total", "notifier-service");
        PROMISED.put("notifier_blind_retries_total", "notifier-service");
    }

    static final Path DASHBOARD = Path.of("deploy/grafana/cutover-dashboard.json");
    static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "le", "inf", "nan");
    static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** A sample line: name, labels (non-greedy: an exemplar "# {trace_id=...}" may follow the value). */
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*?)})?\\s");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static LocalStack stack;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void useTheSharedStack() {
        stack = SharedStack.get();
    }

    @Test
    void everyMetricOfTheGrafanaDashboardIsExportedByItsRunningServiceAndEveryPromisedMetricHasAPanel()
            throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(LocalStack.repoRoot().resolve(DASHBOARD).toFile());
        List<String> expressions = new ArrayList<>();
        collectExpressions(dashboard.path("panels"), expressions);
        assertThat(expressions).as("panel expressions").isNotEmpty();

        Set<String> used = new TreeSet<>();
        for (String expr : expressions) {
            used.addAll(metricNames(expr));
        }
        Map<String, Set<String>> exported = new LinkedHashMap<>();
        for (Map.Entry<String, String> service : scrapeTargets().entrySet()) {
            exported.computeIfAbsent(serviceOf(service.getKey()), k -> new TreeSet<>())
                    .addAll(names(scrape(service.getValue())));
        }
        for (String name : used) {
            String family = PROMISED.keySet().stream().filter(name::startsWith).findFirst().orElse(null);
            assertThat(family).as("%s in the dashboard is none of the promised metrics %s", name, PROMISED.keySet())
                    .isNotNull();
            String service = PROMISED.get(family);
            assertThat(exported.get(service)).as("%s used by the dashboard, exported by %s", name, service)
                    .contains(name);
        }
        for (String family : PROMISED.keySet()) {
            assertThat(used).as("a dashboard panel for %s", family).anyMatch(n -> n.startsWith(family));
        }
        System.out.printf("[measure] dashboard: %d expressions, %d metric names, all exported%n", expressions.size(),
                used.size());
    }

    @Test
    void noMetricLabelValueOfAnyServiceCarriesATokenOrALeaseSecret() throws Exception {
        List<String> secrets = stack.secrets();
        assertThat(secrets).as("the stack's tokens and worker keys").hasSizeGreaterThanOrEqualTo(4);
        int values = 0;
        for (Map.Entry<String, String> target : scrapeTargets().entrySet()) {
            for (String line : scrape(target.getValue()).split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.find() || m.group(3) == null) {
                    continue;
                }
                Matcher label = LABEL.matcher(m.group(3));
                while (label.find()) {
                    String value = label.group(2);
                    values++;
                    for (String secret : secrets) {
                        assertThat(value).as("%s label %s of %s", target.getKey(), label.group(1), m.group(1))
                                .doesNotContain(secret);
                    }
                    assertThat(value).as("%s label %s of %s", target.getKey(), label.group(1), m.group(1))
                            .doesNotContainIgnoringCase("bearer ").doesNotContain("xoxb-").doesNotContain("BEGIN OPENSSH");
                }
            }
        }
        assertThat(values).as("label values scanned").isGreaterThan(100);
    }

    // ------------------------------------------------------------------ helpers

    /** Service process name -> its /q/metrics URL: the orchestrator, rollback-service, notifier and every worker. */
    static Map<String, String> scrapeTargets() {
        StackConfig cfg = stack.config();
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("orchestrator-service", "http://127.0.0.1:" + cfg.orchestratorPort() + "/q/metrics");
        targets.put("rollback-service", "http://127.0.0.1:" + cfg.rollbackPort() + "/q/metrics");
        targets.put("notifier-service", "http://127.0.0.1:" + cfg.notifierPort() + "/q/metrics");
        for (String region : cfg.regions()) {
            String r = region.toLowerCase();
            targets.put("probe-service-" + r, "http://127.0.0.1:" + cfg.probePort(r) + "/q/metrics");
        }
        return targets;
    }

    static String serviceOf(String processName) {
        return processName.startsWith("probe-service") ? "probe-service" : processName;
    }

    static String scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(45))
                .header("Accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s without credentials", url).isEqualTo(200);
        return r.body();
    }

    /** The sample names of a Prometheus text exposition. */
    static Set<String> names(String exposition) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static void collectExpressions(JsonNode panels, List<String> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    into.add(target.get("expr").asText());
                }
            }
            collectExpressions(panel.path("panels"), into); // collapsed rows keep their panels inside
        }
    }

    /**
     * The metric names of a PromQL expression: identifiers that are not functions (followed by "("), not label
     * matchers or grouping labels, not keywords, durations or dashboard variables.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\\$\\{?[a-zA-Z_]+}?", " ") // $__rate_interval, ${datasource}
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // range selectors
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean function = after < s.length() && s.charAt(after) == '(';
            if (!function && !PROMQL_WORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }

    @Test
    void theExpressionParserFindsMetricNamesAndSkipsFunctionsLabelsAndVariables() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, kind) (rate(cutover_step_duration_seconds_bucket"
                + "{job=~\"$orchestrator\"}[$__rate_interval])))")).containsExactly("cutover_step_duration_seconds_bucket");
        assertThat(metricNames("sum by (kind) (rate(a_sum[5m])) / sum by (kind) (rate(a_count{x=\"y\"}[5m]))"))
                .containsExactly("a_count", "a_sum");
    }
}
