package com.maclogin.cutover.probe.lease;

import com.maclogin.cutover.probe.client.CommandResult;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Two read-only lease commands in one SSH exec (the watch's round: the launchd read and {@code df}), each answered as
 * if it had run alone. The script is {@code <first>; echo <marker> $?; echo <marker> >&2; <second>}: the first
 * command's stdout, then the marker and its exit code on stdout; its stderr, then the marker on stderr; then the
 * second command's output, whose exit code is the exec's. {@code <marker>} is {@code ocw-} and 32 random hex digits,
 * new for every exec: no lease output can carry it except by guessing it. Both commands are shell text whose every
 * value is already {@link com.maclogin.cutover.contracts.ShellQuote quoted} (as a single exec would run them).
 *
 * <p>{@link #split} accepts an answer only when the marker occurs exactly once in stdout (followed by a decimal exit
 * code and a newline) and exactly once in stderr (followed by a newline); any other answer (a lost connection, a
 * killed shell, output that carries the marker again) is no answer for either command: the caller reports both as
 * not measured.
 */
public final class SplitExec {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The two commands' answers. */
    public record Parts(CommandResult first, CommandResult second) {
    }

    private final String marker;
    private final String script;

    private SplitExec(String marker, String first, String second) {
        if (!marker.matches("ocw-[0-9a-f]{32}")) {
            throw new IllegalArgumentException("marker must be ocw- and 32 hex digits");
        }
        this.marker = marker;
        this.script = first + "; echo " + marker + " $?; echo " + marker + " >&2; " + second;
    }

    /** {@code first} then {@code second} with a fresh random marker. */
    public static SplitExec of(String first, String second) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return new SplitExec("ocw-" + HexFormat.of().formatHex(b), first, second);
    }

    /** With a given marker (tests). */
    static SplitExec withMarker(String marker, String first, String second) {
        return new SplitExec(marker, first, second);
    }

    /** The one exec's script. */
    public String script() {
        return script;
    }

    String marker() {
        return marker;
    }

    /**
     * The two answers of {@code whole} (the exec of {@link #script()}), or null when its output does not carry the
     * marker exactly once on each stream. Both parts carry the exec's duration and the first its connect time.
     */
    public Parts split(CommandResult whole) {
        String out = whole.stdout() == null ? "" : whole.stdout();
        String err = whole.stderr() == null ? "" : whole.stderr();
        int o = out.indexOf(marker);
        int e = err.indexOf(marker);
        if (o < 0 || e < 0 || out.indexOf(marker, o + 1) >= 0 || err.indexOf(marker, e + 1) >= 0) {
            return null;
        }
        // stdout: "<marker> <exit>\n"
        int codeStart = o + marker.length() + 1;
        int eol = out.indexOf('\n', codeStart);
        if (codeStart > out.length() || out.charAt(codeStart - 1) != ' ' || eol < 0) {
            return null;
        }
        String code = out.substring(codeStart, eol);
        if (!code.matches("\\d{1,3}")) {
            return null;
        }
        // stderr: "<marker>\n"
        int errEnd = e + marker.length();
        if (errEnd >= err.length() || err.charAt(errEnd) != '\n') {
            return null;
        }
        CommandResult first = new CommandResult(Integer.parseInt(code), out.substring(0, o), err.substring(0, e),
                whole.durationMillis(), whole.connectMillis(), CommandResult.Arrivals.NONE);
        CommandResult second = new CommandResult(whole.exitCode(), out.substring(eol + 1), err.substring(errEnd + 1),
                whole.durationMillis(), 0, CommandResult.Arrivals.NONE);
        return new Parts(first, second);
    }
}
