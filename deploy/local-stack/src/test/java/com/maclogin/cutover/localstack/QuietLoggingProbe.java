package com.maclogin.cutover.localstack;

import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** A JVM that sets up logging as run-demo.sh's does, then logs what the harness's libraries log (QuietOutputTest). */
public final class QuietLoggingProbe {

    private QuietLoggingProbe() {
    }

    public static void main(String[] args) throws Exception {
        LocalStackMain.logLibrariesTo(Path.of(args[0]));
        LoggerFactory.getLogger("org.apache.kafka.clients.admin.AdminClientConfig").info("AdminClientConfig values: probe");
        LoggerFactory.getLogger("io.zonky.test.db.postgres.embedded.EmbeddedPostgres").info("pg-out: database system is ready");
        LoggerFactory.getLogger("org.apache.kafka.common.utils.AppInfoParser").warn("a warning from a library");
        System.out.println("progress line");
    }
}
