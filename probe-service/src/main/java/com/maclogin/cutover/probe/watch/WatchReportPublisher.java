package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseWatchReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Sends {@link LeaseWatchReport}s to {@code lease.watch} (channel {@code lease-watch}, key = lease id, acks=all,
 * idempotent producer). Never waits: the emitter buffers (one minute's roll-ups of every watched lease fit), and a
 * report that finds the buffer full or that Kafka refuses is counted ({@code probe_watch_reports_total{outcome}}) and
 * logged, not retried: the next change or minute says it again.
 */
@ApplicationScoped
public class WatchReportPublisher {

    private final Emitter<String> emitter;
    private final Counter sent;
    private final Counter failed;

    public WatchReportPublisher(@Channel("lease-watch") @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = 20_000) Emitter<String> emitter, MeterRegistry metrics) {
        this.emitter = emitter;
        this.sent = Counter.builder("probe.watch.reports").tag("outcome", "sent")
                .description("lease watch reports accepted by Kafka").register(metrics);
        this.failed = Counter.builder("probe.watch.reports").tag("outcome", "failed")
                .description("lease watch reports not sent (buffer full or refused)").register(metrics);
    }

    /** Sends {@code report}; the future completes when Kafka acknowledged it (or failed). */
    public CompletableFuture<Void> publish(LeaseWatchReport report) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Message<String> m = Message.of(Json.write(report),
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(report.leaseId()).build()),
                () -> {
                    sent.increment();
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                e -> {
                    failed(report, e);
                    done.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(m);
        } catch (RuntimeException e) {
            failed(report, e);
            done.completeExceptionally(e);
        }
        return done;
    }

    private void failed(LeaseWatchReport report, Throwable e) {
        failed.increment();
        Log.warnf("lease=%s watch report (%s%s) not sent: %s", report.leaseId(), report.state(),
                report.isRollup() ? ", roll-up" : "", e.toString());
    }
}
