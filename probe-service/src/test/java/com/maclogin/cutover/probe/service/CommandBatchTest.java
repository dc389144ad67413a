package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.contracts.ShellQuote;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unit test (no SSH, no Quarkus): a {@link CommandBatch} script run by the local {@code /bin/sh -c}, as the lease runs
 * it, gives back each command's own stdout, stderr and exit code; a failing required command stops the batch before
 * anything after it runs.
 */
class CommandBatchTest {

    @TempDir
    Path dir;

    private static CommandResult sh(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        byte[] out = readAll(p.getInputStream());
        int rc = p.waitFor();
        return new CommandResult(rc, new String(out, StandardCharsets.UTF_8),
                new String(err.get(), StandardCharsets.UTF_8), 0);
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            in.transferTo(b);
            return b.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<CommandResult> run(List<CommandBatch.Part> parts) throws Exception {
        String nonce = "ocb-" + UUID.randomUUID().toString().replace("-", "");
        return CommandBatch.parse(nonce, parts, sh(CommandBatch.script(nonce, parts)));
    }

    /** As the worker's SSH client reads it: the time at which each read of stdout ended (CommandResult.Arrivals). */
    private static CommandResult shTimed(String script) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<long[]> marks = new ArrayList<>();
        byte[] buf = new byte[8192];
        InputStream in = p.getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            marks.add(new long[] {out.size(), (System.nanoTime() - start) / 1_000_000});
        }
        int rc = p.waitFor();
        long[] ends = marks.stream().mapToLong(m -> m[0]).toArray();
        long[] millis = marks.stream().mapToLong(m -> m[1]).toArray();
        return new CommandResult(rc, out.toString(StandardCharsets.UTF_8), "", (System.nanoTime() - start) / 1_000_000,
                7, new CommandResult.Arrivals(ends, millis));
    }

    @Test
    void eachPartIsTimedByWhenItsExitCodeLineArrivedWithoutAnyClockOnTheLease() throws Exception {
        List<CommandBatch.Part> parts = List.of(
                CommandBatch.Part.of("slow", "sleep 0.6; echo é-ü-✓"),
                CommandBatch.Part.of("quick", "echo quick"),
                CommandBatch.Part.of("medium", "sleep 0.3"));
        String nonce = "ocb-" + UUID.randomUUID().toString().replace("-", "");
        CommandResult whole = shTimed(CommandBatch.script(nonce, parts));
        List<CommandResult> r = CommandBatch.parse(nonce, parts, whole);

        assertThat(r.get(0).stdout()).isEqualTo("é-ü-✓\n");
        assertThat(r.get(0).durationMillis()).as("slow").isBetween(550L, whole.durationMillis());
        assertThat(r.get(1).durationMillis()).as("quick").isLessThan(250L);
        assertThat(r.get(2).durationMillis()).as("medium").isBetween(250L, 550L);
        assertThat(r.stream().mapToLong(CommandResult::durationMillis).sum()).isLessThanOrEqualTo(whole.durationMillis());
        // the exec's connection time belongs to the first part only
        assertThat(r).extracting(CommandResult::connectMillis).containsExactly(7L, 0L, 0L);
        // without arrival marks (an older client) every part carries the whole exec's duration, as before
        CommandResult unmarked = new CommandResult(whole.exitCode(), whole.stdout(), "", whole.durationMillis());
        assertThat(CommandBatch.parse(nonce, parts, unmarked)).extracting(CommandResult::durationMillis)
                .containsOnly(whole.durationMillis());
    }

    @Test
    void eachCommandGetsItsOwnOutputErrorAndExitCode() throws Exception {
        Path weird = dir.resolve("it's a \"file\" $(x) `y`");
        Files.writeString(weird, "no newline at the end");
        Path lines = dir.resolve("lines");
        Files.writeString(lines, "one\n\ntwo\n\n");
        List<CommandResult> r = run(List.of(
                CommandBatch.Part.of("cat weird", "cat " + ShellQuote.quote(weird.toString())),
                CommandBatch.Part.of("cat lines", "cat " + ShellQuote.quote(lines.toString())),
                CommandBatch.Part.of("missing", "cat " + ShellQuote.quote(dir.resolve("nope").toString())),
                CommandBatch.Part.of("both", "echo out; echo err >&2; exit 3"),
                CommandBatch.Part.of("empty", "true"),
                CommandBatch.Part.of("cd stays inside", "cd / && pwd"),
                CommandBatch.Part.of("pwd", "pwd")));
        assertThat(r).hasSize(7).doesNotContainNull();
        assertThat(r.get(0).exitCode()).isZero();
        assertThat(r.get(0).stdout()).isEqualTo("no newline at the end");
        assertThat(r.get(1).stdout()).isEqualTo("one\n\ntwo\n\n");
        assertThat(r.get(2).exitCode()).isNotZero();
        assertThat(r.get(2).stdout()).isEmpty();
        assertThat(r.get(2).stderr()).contains("nope");
        assertThat(r.get(3).exitCode()).isEqualTo(3);
        assertThat(r.get(3).stdout()).isEqualTo("out\n");
        assertThat(r.get(3).stderr()).isEqualTo("err");
        assertThat(r.get(4).exitCode()).isZero();
        assertThat(r.get(4).stdout()).isEmpty();
        assertThat(r.get(4).stderr()).isEmpty();
        assertThat(r.get(5).stdout()).isEqualTo("/\n");
        assertThat(r.get(6).stdout()).isNotEqualTo("/\n"); // each command runs in its own subshell
    }

    @Test
    void aFailedRequiredCommandStopsTheBatchBeforeTheNextCommandRuns() throws Exception {
        Path marker = dir.resolve("touched");
        List<CommandResult> r = run(List.of(
                CommandBatch.Part.of("look", "echo looked"),
                CommandBatch.Part.required("must work", "false"),
                CommandBatch.Part.of("mutation", "touch " + ShellQuote.quote(marker.toString()))));
        assertThat(r.get(0).stdout()).isEqualTo("looked\n");
        assertThat(r.get(1).exitCode()).isEqualTo(1);
        assertThat(r.get(2)).isNull();
        assertThat(marker).doesNotExist();

        List<CommandResult> ok = run(List.of(
                CommandBatch.Part.required("must work", "true"),
                CommandBatch.Part.of("mutation", "touch " + ShellQuote.quote(marker.toString()))));
        assertThat(ok.get(1).exitCode()).isZero();
        assertThat(marker).exists();
    }

    @Test
    void outputThatImitatesTheMarkersWithoutTheNonceCannotForgeAnAnswer() throws Exception {
        Path forged = dir.resolve("forged");
        Files.writeString(forged, "ocb-0 1 out\n\nocb-0 0 err\n\nocb-0 0 rc 0\n");
        List<CommandResult> r = run(List.of(
                CommandBatch.Part.of("forged", "cat " + ShellQuote.quote(forged.toString())),
                CommandBatch.Part.of("next", "echo next")));
        assertThat(r.get(0).stdout()).isEqualTo("ocb-0 1 out\n\nocb-0 0 err\n\nocb-0 0 rc 0\n");
        assertThat(r.get(1).stdout()).isEqualTo("next\n");
    }

    @Test
    void unreadableOutputGivesNoAnswerRatherThanAWrongOne() {
        List<CommandBatch.Part> parts = List.of(CommandBatch.Part.of("a", "true"), CommandBatch.Part.of("b", "true"));
        List<CommandResult> r = CommandBatch.parse("ocb-x", parts, new CommandResult(0, "garbage\n", "", 0));
        assertThat(r).containsExactly(null, null);
        List<CommandResult> cut = CommandBatch.parse("ocb-x", parts,
                new CommandResult(-1, "ocb-x 0 out\nhalf", "", 0));
        assertThat(cut).containsExactly(null, null);
    }

    @Test
    void theFirstGreenRoundIsTheFirstInWhichEveryLayerPassed() {
        EnumSet<ProbeLayer> layers = EnumSet.of(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION);
        List<ProbeResult> window = new ArrayList<>();
        window.add(result(1, ProbeLayer.PROCESS, Verdict.PASSED));
        window.add(result(1, ProbeLayer.TCP, Verdict.FAILED));
        window.add(result(1, ProbeLayer.APPLICATION, Verdict.PASSED));
        assertThat(ProbeWindow.roundAllPassed(window, 1, layers)).isFalse();
        window.add(result(2, ProbeLayer.PROCESS, Verdict.PASSED));
        window.add(result(2, ProbeLayer.TCP, Verdict.PASSED));
        assertThat(ProbeWindow.roundAllPassed(window, 2, layers)).isFalse(); // APPLICATION not probed yet
        window.add(result(2, ProbeLayer.APPLICATION, Verdict.INCONCLUSIVE));
        assertThat(ProbeWindow.roundAllPassed(window, 2, layers)).isFalse();
        window.add(result(3, ProbeLayer.PROCESS, Verdict.PASSED));
        window.add(result(3, ProbeLayer.TCP, Verdict.PASSED));
        window.add(result(3, ProbeLayer.APPLICATION, Verdict.PASSED));
        assertThat(ProbeWindow.roundAllPassed(window, 3, layers)).isTrue();
    }

    private static ProbeResult result(int round, ProbeLayer layer, Verdict v) {
        return new ProbeResult(UUID.randomUUID().toString(), "c1", "hk-1", Instant.now(), CutoverMessage.SCHEMA_VERSION,
                2, "m1", round, layer, v, 5L, "", Map.of());
    }
}
