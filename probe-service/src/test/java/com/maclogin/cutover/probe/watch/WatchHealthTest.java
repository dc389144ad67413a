package com.maclogin.cutover.probe.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The health rules of a watch round, as a table (pure function, no container). */
class WatchHealthTest {

    static final WatchHealth.Seen OK = new WatchHealth.Seen(Verdict.PASSED, "fine");

    static Map<ProbeLayer, WatchHealth.Seen> round(Object... layerVerdictDetail) {
        Map<ProbeLayer, WatchHealth.Seen> m = new EnumMap<>(ProbeLayer.class);
        for (ProbeLayer l : WatchService.LIGHT) {
            m.put(l, OK);
        }
        m.put(ProbeLayer.TLS, OK);
        for (int i = 0; i < layerVerdictDetail.length; i += 3) {
            m.put((ProbeLayer) layerVerdictDetail[i], new WatchHealth.Seen((Verdict) layerVerdictDetail[i + 1],
                    (String) layerVerdictDetail[i + 2]));
        }
        return m;
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // ssh failure, probes, crash loop, cert days -> state, words in the reason
                Arguments.of("connect to 127.0.0.1:22 failed: Connection refused", round(), null, 90,
                        LeaseHealthState.UNREACHABLE, "ssh: connect to 127.0.0.1:22 failed: Connection refused"),
                Arguments.of("login as openclaw-probe refused (authentication failed)",
                        round(ProbeLayer.PROCESS, Verdict.FAILED, "state not running"), null, 90,
                        LeaseHealthState.UNREACHABLE, "authentication failed"),
                Arguments.of(null, round(ProbeLayer.PROCESS, Verdict.FAILED, "service not loaded (exit 113)"), null,
                        90, LeaseHealthState.DOWN, "launchd: service not loaded"),
                Arguments.of(null, round(ProbeLayer.APPLICATION, Verdict.FAILED, "/readyz 503"), null, 90,
                        LeaseHealthState.DOWN, "application: /readyz 503"),
                Arguments.of(null, round(), "launchd run counter grew by 3 within 10 min", 90,
                        LeaseHealthState.DOWN, "crash loop: launchd run counter grew by 3"),
                Arguments.of(null, round(ProbeLayer.TCP, Verdict.FAILED, "connection refused",
                        ProbeLayer.APPLICATION, Verdict.FAILED, "/healthz no answer"), null, 90,
                        LeaseHealthState.DOWN, "application: /healthz no answer"),
                Arguments.of(null, round(ProbeLayer.TCP, Verdict.FAILED, "connection refused"), null, 90,
                        LeaseHealthState.DEGRADED, "tcp: connection refused"),
                Arguments.of(null, round(ProbeLayer.DISK, Verdict.FAILED, "4% free"), null, 90,
                        LeaseHealthState.DEGRADED, "disk: 4% free"),
                Arguments.of(null, round(ProbeLayer.TLS, Verdict.FAILED, "certificate expires soon"), null, 3,
                        LeaseHealthState.DEGRADED, "tls: certificate expires soon"),
                Arguments.of(null, round(), null, 13, LeaseHealthState.DEGRADED,
                        "certificate has 13 days left (warning below 14)"),
                Arguments.of(null, round(ProbeLayer.DISK, Verdict.ERROR, "cannot read free space"), null, 90,
                        LeaseHealthState.DEGRADED, "disk could not be measured: cannot read free space"),
                Arguments.of(null, round(), null, 14, LeaseHealthState.HEALTHY, "every probe passed"),
                Arguments.of(null, round(), null, null, LeaseHealthState.HEALTHY, "every probe passed"));
    }

    @ParameterizedTest(name = "[{index}] {4}: {5}")
    @MethodSource("table")
    void aRoundIsJudgedByTheHealthTable(String sshFailure, Map<ProbeLayer, WatchHealth.Seen> seen, String crashLoop,
            Integer certDays, LeaseHealthState expected, String reasonContains) {
        WatchHealth.Judgement j = WatchHealth.judge(sshFailure, seen, crashLoop, certDays, 14);
        assertThat(j.state()).isEqualTo(expected);
        assertThat(j.reason()).contains(reasonContains);
    }

    @org.junit.jupiter.api.Test
    void aSecretInAProbeDetailNeverReachesTheReason() {
        WatchHealth.Judgement j = WatchHealth.judge(null, round(ProbeLayer.APPLICATION, Verdict.FAILED,
                "/readyz 500 Authorization: Bearer sk-live-abcdefghijklmnopqrstuvwxyz123456"), null, 90, 14);
        assertThat(j.state()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(j.reason()).doesNotContain("abcdefghijklmnopqrstuvwxyz123456");
    }
}
