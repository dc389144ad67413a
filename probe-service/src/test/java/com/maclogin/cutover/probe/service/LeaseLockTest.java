package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unit test (no SSH, no Quarkus): the lease lock's line parsing and decisions as tables, and its look and take scripts
 * run by the local {@code /bin/sh} in a temporary home as the lease runs them: of many workers taking the same
 * generation at once exactly one gets it; hostile lock content is read as unreadable, never run.
 */
class LeaseLockTest {

    @TempDir
    Path home;

    private static RunStep step(String cutover, long epoch, StepKind kind) {
        return RunStep.builder().cutoverId(cutover).leaseId("hk-1").epoch(epoch).kind(kind).attempt(1)
                .replyTo(Topics.STEP_RESULTS).build();
    }

    private static LeaseLock.Observed held(long now, String owner, String key, long expires) {
        return new LeaseLock.Observed(now, 7, new LeaseLock.Holder(owner, "c1", 1, key, expires, false), false);
    }

    @Test
    void linesParseOnlyWhenEveryFieldHasItsShape() {
        RunStep c = step("c1", 2, StepKind.FREEZE);
        LeaseLock.Holder h = LeaseLock.Holder.held("probe-hk-a", c, 1_900_000_000L);
        assertThat(LeaseLock.parse(h.toLine())).contains(h);
        assertThat(LeaseLock.parse("v1 released owner=probe-hk-b")).contains(LeaseLock.Holder.releasedBy("probe-hk-b"));
        for (String bad : new String[] {
            "", "garbage", "v2 owner=a cutover=c1 epoch=1 key=c1:FREEZE:1 expires=5",
            "v1 owner=$(reboot) cutover=c1 epoch=1 key=c1:FREEZE:1 expires=5",
            "v1 owner=a cutover=c1;rm epoch=1 key=c1:FREEZE:1 expires=5",
            "v1 owner=a cutover=c1 epoch=-1 key=c1:FREEZE:1 expires=5",
            "v1 owner=a cutover=c1 epoch=1 key=c1:FREEZE:1 expires=5 extra=1",
            "v1 owner=a cutover=c1 epoch=1 key=c1:FREEZE:1 expires=99999999999999",
            "v1 owner=a cutover=c1 epoch=1 key=`id` expires=5",
            "v1 released owner=a b",
            "v1 owner=a cutover=c1 epoch=1 key=c1:FREEZE:1 expires=5" + "x".repeat(700)}) {
            assertThat(LeaseLock.parse(bad)).as(bad).isEmpty();
        }
        assertThat(LeaseLock.validOwner("probe-hk-a.b_c")).isTrue();
        assertThat(LeaseLock.validOwner("probe hk")).isFalse();
        assertThat(LeaseLock.validOwner("-x")).isFalse();
        assertThat(LeaseLock.owner("probe-hk-mac mini's")).isEqualTo("probe-hk-mac-mini-s");
        assertThat(LeaseLock.owner("-x")).isEqualTo("w-x");
        assertThat(LeaseLock.validOwner(LeaseLock.owner("ü".repeat(300)))).isTrue();
        assertThatThrownBy(() -> LeaseLock.takeScript(2, new LeaseLock.Holder("a b", "c1", 1, "k", 5, false)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decisionsTakeAFreeReleasedExpiredOrOwnLockAndWaitForAnyOtherLiveOne() {
        RunStep c = step("c1", 1, StepKind.FREEZE);
        String key = c.idempotencyKey();
        record Row(String what, LeaseLock.Observed o, LeaseLock.Action action, String takeOver) {
        }
        List<Row> table = List.of(
                new Row("no lock", new LeaseLock.Observed(100, 0, null, false), LeaseLock.Action.TAKE, null),
                new Row("released", new LeaseLock.Observed(100, 3, LeaseLock.Holder.releasedBy("w2"), false),
                        LeaseLock.Action.TAKE, null),
                new Row("other worker, live", held(100, "w2", key, 101), LeaseLock.Action.WAIT, null),
                new Row("other worker, expired", held(100, "w2", key, 100), LeaseLock.Action.TAKE, "w2"),
                new Row("other worker, other step, live", held(100, "w2", "c1:SNAPSHOT:1", 160),
                        LeaseLock.Action.WAIT, null),
                new Row("own lock, same step (a redelivery)", held(100, "w1", key, 160), LeaseLock.Action.TAKE,
                        null),
                new Row("own lock, other step, live", held(100, "w1", "c1:SNAPSHOT:1", 160), LeaseLock.Action.WAIT,
                        null),
                new Row("own lock, other step, expired", held(200, "w1", "c1:SNAPSHOT:1", 160),
                        LeaseLock.Action.TAKE, null),
                new Row("unreadable (being written, or planted)", new LeaseLock.Observed(100, 4, null, true),
                        LeaseLock.Action.WAIT, null));
        for (Row r : table) {
            LeaseLock.Decision d = LeaseLock.decide(r.o(), "w1", c);
            assertThat(d.action()).as(r.what()).isEqualTo(r.action());
            assertThat(d.takeOver()).as(r.what()).isEqualTo(r.takeOver());
        }
        // a lock left for this very step (not released): an earlier delivery was interrupted holding it
        assertThat(LeaseLock.decide(held(100, "w1", key, 160), "w1", c).interrupted()).isEqualTo("w1");
        assertThat(LeaseLock.decide(held(100, "w2", key, 100), "w1", c).interrupted()).isEqualTo("w2");
        assertThat(LeaseLock.decide(held(100, "w2", "c1:SNAPSHOT:1", 100), "w1", c).interrupted()).isNull();
        assertThat(LeaseLock.decide(new LeaseLock.Observed(100, 3, LeaseLock.Holder.releasedBy("w1"), false), "w1", c)
                .interrupted()).isNull();
        // a higher epoch of the same cutover does not take over a live lock of the lower one
        RunStep newer = step("c1", 5, StepKind.RESTORE);
        assertThat(LeaseLock.decide(held(100, "w2", key, 130), "w1", newer).action()).isEqualTo(LeaseLock.Action.WAIT);
    }

    @Test
    void lookOutputIsReadOnlyInItsOwnShape() {
        assertThat(LeaseLock.observed("now 100\n")).isEqualTo(new LeaseLock.Observed(100, 0, null, false));
        assertThat(LeaseLock.observed("now 100\ntop 3\nline v1 released owner=w2\n").holder().released()).isTrue();
        assertThat(LeaseLock.observed("now 100\ntop 3\nline \n").unreadable()).isTrue();
        assertThat(LeaseLock.observed("now x\n")).isNull();
        assertThat(LeaseLock.observed("top 3\n")).isNull();
        assertThat(LeaseLock.observed("now 1\ntop 3;rm\n")).isNull();
    }

    private String sh(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        p.waitFor();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ofEightWorkersTakingTheSameGenerationAtOnceExactlyOneGetsItAndTheLookShowsIt() throws Exception {
        RunStep c = step("c1", 1, StepKind.FREEZE);
        LeaseLock.Observed first = LeaseLock.observed(sh(LeaseLock.lookScript()));
        assertThat(first.generation()).isZero();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String script = LeaseLock.takeScript(1, LeaseLock.Holder.held("w" + i, c, first.leaseNow() + 60));
            Callable<String> take = () -> {
                go.await();
                return sh(script).strip();
            };
            answers.add(pool.submit(take));
        }
        go.countDown();
        List<String> got = new ArrayList<>();
        for (Future<String> f : answers) {
            got.add(f.get());
        }
        pool.shutdown();
        assertThat(got).filteredOn("taken"::equals).hasSize(1);
        assertThat(got).filteredOn("lost"::equals).hasSize(7);
        String winner = "w" + got.indexOf("taken");
        LeaseLock.Observed now = LeaseLock.observed(sh(LeaseLock.lookScript()));
        assertThat(now.generation()).isEqualTo(1);
        assertThat(now.holder().owner()).isEqualTo(winner);
        assertThat(LeaseLock.decide(now, "w-other", c).action()).isEqualTo(LeaseLock.Action.WAIT);

        // renewal and release create the next generations and remove the older ones
        assertThat(sh(LeaseLock.takeScript(2, LeaseLock.Holder.held(winner, c, now.leaseNow() + 60))).strip())
                .isEqualTo("taken");
        assertThat(sh(LeaseLock.takeScript(3, LeaseLock.Holder.releasedBy(winner))).strip()).isEqualTo("taken");
        try (var files = Files.list(home.resolve(LeaseLock.DIR))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("g.3");
        }
        assertThat(LeaseLock.decide(LeaseLock.observed(sh(LeaseLock.lookScript())), "w-other", c).action())
                .isEqualTo(LeaseLock.Action.TAKE);
    }

    @Test
    void aPlantedLockFileIsReadAsTextAndNeverRun() throws Exception {
        Path dir = Files.createDirectories(home.resolve(LeaseLock.DIR));
        Path canary = home.resolve("ran");
        Files.writeString(dir.resolve("g.9"), "$(touch " + canary + ") `touch " + canary + "`\n");
        LeaseLock.Observed o = LeaseLock.observed(sh(LeaseLock.lookScript()));
        assertThat(o.generation()).isEqualTo(9);
        assertThat(o.unreadable()).isTrue();
        assertThat(canary).doesNotExist();
    }
}
