package com.maclogin.cutover.contracts;

/** How many probes of one layer ended with each verdict within one roll-up minute. */
public record WatchLayerCounts(ProbeLayer layer, int passed, int failed, int error, int inconclusive) {

    public int total() {
        return passed + failed + error + inconclusive;
    }

    /** These counts plus one probe that ended {@code v}. */
    public WatchLayerCounts plus(Verdict v) {
        return new WatchLayerCounts(layer, passed + (v == Verdict.PASSED ? 1 : 0), failed + (v == Verdict.FAILED ? 1 : 0),
                error + (v == Verdict.ERROR ? 1 : 0), inconclusive + (v == Verdict.INCONCLUSIVE ? 1 : 0));
    }

    public static WatchLayerCounts zero(ProbeLayer layer) {
        return new WatchLayerCounts(layer, 0, 0, 0, 0);
    }
}
