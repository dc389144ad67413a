package com.maclogin.cutover.probe.trigger;

import java.time.Instant;

/**
 * The deliberate {@code launchctl kickstart -k} of a validation window.
 *
 * @param at        when it was issued
 * @param endedRun  launchd's run number of the instance the drill stopped ({@code runs} just before it), or
 *                  {@code null} when nothing was running: that run's end is not a crash
 */
public record RestartDrill(Instant at, Long endedRun) {
}
