package com.maclogin.cutover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** An {@link CutoverCli.Env} for unit tests: captured output, given variables, a fake clock advanced by sleeps. */
final class TestEnv {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    final CutoverCli.Env env;

    TestEnv(Map<String, String> variables, Path cwd, boolean console) {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        env = new CutoverCli.Env(variables, cwd, null, new PrintWriter(out, true), new PrintWriter(err, true), console,
                clock, d -> now = now.plus(d));
    }

    void advance(Duration d) {
        now = now.plus(d);
    }
}
