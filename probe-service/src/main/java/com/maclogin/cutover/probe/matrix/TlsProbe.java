package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.HostKeyMismatchException;
import com.maclogin.cutover.probe.client.SshUnavailableException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TLS (only when the plan names a {@code tlsEndpoint}): the certificate the endpoint presents, read through the SSH
 * channel from the lease. FAILED when it expires within {@code tlsMinValidDays} (or is not yet valid); ERROR when the
 * endpoint cannot be reached.
 */
public final class TlsProbe implements Probe {

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.TLS;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        String endpoint = s.tlsEndpoint();
        if (endpoint == null) {
            return ProbeOutcome.error(layer(), "no tlsEndpoint in the plan");
        }
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        long start = System.nanoTime();
        try {
            X509Certificate[] chain = s.ssh().tlsCertificates(s.target(), host, port, s.timeouts().tls());
            long latency = (System.nanoTime() - start) / 1_000_000;
            if (chain.length == 0) {
                return ProbeOutcome.error(layer(), endpoint + " presented no certificate");
            }
            X509Certificate leaf = chain[0];
            return judge(endpoint, leaf.getSubjectX500Principal().getName(), leaf.getNotBefore().toInstant(),
                    leaf.getNotAfter().toInstant(), Instant.now(), s.tlsMinValidDays(), latency);
        } catch (HostKeyMismatchException | SshUnavailableException e) {
            return SshProbes.fromSsh(layer(), e);
        } catch (IOException e) {
            return ProbeOutcome.error(layer(), endpoint + " unreachable: " + e.getMessage());
        }
    }

    public static ProbeOutcome judge(String endpoint, String subject, Instant notBefore, Instant notAfter,
            Instant now, int minValidDays, long latencyMillis) {
        long daysLeft = Duration.between(now, notAfter).toDays();
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("endpoint", endpoint);
        observed.put("subject", subject);
        observed.put("notAfter", notAfter.toString());
        observed.put("daysLeft", Long.toString(daysLeft));
        observed.put("minValidDays", Integer.toString(minValidDays));
        Verdict v;
        String detail;
        if (now.isBefore(notBefore)) {
            v = Verdict.FAILED;
            detail = "certificate not valid before " + notBefore;
        } else if (notAfter.isBefore(now.plus(Duration.ofDays(minValidDays)))) {
            v = Verdict.FAILED;
            detail = "certificate expires " + notAfter + " (" + daysLeft + " days, needs " + minValidDays + ")";
        } else {
            v = Verdict.PASSED;
            detail = "certificate valid until " + notAfter + " (" + daysLeft + " days)";
        }
        return ProbeOutcome.of(ProbeLayer.TLS, v, latencyMillis, detail, observed,
                Evidence.of("tls certificate", "TLS handshake with " + endpoint + " (ssh direct-tcpip)",
                        v == Verdict.PASSED ? 0 : 1, subject + " notAfter " + notAfter));
    }
}
