package com.maclogin.cutover.probe.health;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.config.ProbeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the SSH private key file can be read (its content is never looked at here). */
@Readiness
@ApplicationScoped
public class PrivateKeyReadinessCheck implements HealthCheck {

    private final ProbeConfig config;

    public PrivateKeyReadinessCheck(ProbeConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        Path key = Path.of(config.ssh().privateKeyFile());
        boolean readable = Files.isRegularFile(key) && Files.isReadable(key);
        var builder = HealthCheckResponse.named("ssh-private-key").status(readable);
        if (!readable) {
            builder.withData("reason", ProbeReasons.PRIVATE_KEY_UNREADABLE);
        }
        return builder.build();
    }
}
