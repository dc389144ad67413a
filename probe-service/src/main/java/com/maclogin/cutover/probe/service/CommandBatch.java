package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Several lease commands in one SSH exec: each command runs in its own subshell, in order, and its stdout, stderr and
 * exit code come back between marker lines that carry a random nonce (no file content on the lease can forge them).
 * Each command is recorded as evidence under its own name with its own script, exit code and output, exactly as if it
 * had run alone. A {@linkplain Part#required() required} command that exits non-zero ends the batch there, so a
 * mutation after it never runs (the caller then fails the step as before). The scripts are the same shell text a
 * single exec would run: every value in them is already validated and {@link ShellQuote quoted}.
 *
 * <p>When the output cannot be read back (more than the 1 MiB the SSH client captures, or a shell that mangled the
 * markers), the commands that have no answer may have run: they are never run again (a second {@code mv} or untar of
 * RESTORE would act on what the first one left); the step fails with
 * {@link ProbeReasons#BATCH_PARTS_MAY_HAVE_RUN}, naming them, and each is recorded as evidence with
 * {@link #MAY_HAVE_RUN}.
 */
final class CommandBatch {

    /**
     * One command of the batch; {@code outputKept} false: its evidence records the command and exit code but not the
     * output (text from the lease the caller summarises itself, e.g. the ledger: it is never copied or scanned).
     */
    record Part(String name, String script, boolean required, boolean outputKept) {

        static Part of(String name, String script) {
            return new Part(name, script, false, true);
        }

        static Part required(String name, String script) {
            return new Part(name, script, true, true);
        }
    }

    /** Evidence output of a part whose answer was lost: it may have run, it is not run again. */
    static final String MAY_HAVE_RUN = "(no answer: the output was not read back completely; this command may have run)";

    /** Output not kept in the evidence (see {@link Part}). */
    static final String OUTPUT_NOT_KEPT = "(output not recorded)";

    private final List<Part> parts = new ArrayList<>();

    CommandBatch add(Part p) {
        parts.add(p);
        return this;
    }

    CommandBatch add(String name, String script) {
        return add(Part.of(name, script));
    }

    CommandBatch require(String name, String script) {
        return add(Part.required(name, script));
    }

    /** How many commands were added so far. */
    int size() {
        return parts.size();
    }

    /**
     * Runs the batch; element i answers part i, or is null when the part did not run because an earlier required part
     * failed. Evidence is added per part that ran.
     */
    List<CommandResult> run(StepContext ctx) {
        if (parts.size() == 1 && parts.get(0).outputKept()) {
            return List.of(ctx.run(parts.get(0).name(), parts.get(0).script()));
        }
        String nonce = "ocb-" + UUID.randomUUID().toString().replace("-", "");
        CommandResult whole = ctx.runUnrecorded(script(nonce, parts));
        List<CommandResult> results = parse(nonce, parts, whole);
        List<CommandResult> out = new ArrayList<>(Collections.nCopies(parts.size(), null));
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            CommandResult r = results.get(i);
            if (r == null) {
                if (stoppedBefore(i, results)) {
                    break;
                }
                // no answer although nothing stopped the batch: the shell went on, so this part and the unanswered
                // ones after it may have run (an mv, an untar): never run again, the step fails and says which
                throw new StepFailedException(String.format(ProbeReasons.BATCH_PARTS_MAY_HAVE_RUN,
                        String.join(", ", unanswered(i, results, ctx))));
            }
            ctx.addEvidence(p.outputKept() ? ctx.evidenceOf(p.name(), p.script(), r.exitCode(), r.combined())
                    : Evidence.of(p.name(), p.script(), r.exitCode(), OUTPUT_NOT_KEPT));
            out.set(i, r);
            if (p.required() && !r.ok()) {
                break;
            }
        }
        return out;
    }

    /**
     * The names of the parts from {@code from} on that have no answer, each recorded as evidence (its command, no exit
     * code, {@link #MAY_HAVE_RUN}); an answered part among them is recorded as usual.
     */
    private List<String> unanswered(int from, List<CommandResult> results, StepContext ctx) {
        List<String> names = new ArrayList<>();
        for (int j = from; j < parts.size(); j++) {
            Part p = parts.get(j);
            CommandResult r = results.get(j);
            if (r == null) {
                names.add("'" + p.name() + "'");
                ctx.addEvidence(Evidence.of(p.name(), p.script(), null, MAY_HAVE_RUN));
            } else {
                ctx.addEvidence(p.outputKept() ? ctx.evidenceOf(p.name(), p.script(), r.exitCode(), r.combined())
                        : Evidence.of(p.name(), p.script(), r.exitCode(), OUTPUT_NOT_KEPT));
            }
        }
        return names;
    }

    /** Part {@code i}'s answer, which must exist and exit 0, else the step fails as {@link StepContext#require} would. */
    static CommandResult required(List<CommandResult> results, int i, String name) {
        CommandResult r = results.get(i);
        if (r == null || !r.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.COMMAND_FAILED, name, r == null ? -1 : r.exitCode()));
        }
        return r;
    }

    private boolean stoppedBefore(int i, List<CommandResult> results) {
        for (int j = 0; j < i; j++) {
            if (parts.get(j).required() && results.get(j) != null && !results.get(j).ok()) {
                return true;
            }
        }
        return false;
    }

    static String script(String nonce, List<Part> parts) {
        StringBuilder b = new StringBuilder("exec 3>&1\n");
        for (int i = 0; i < parts.size(); i++) {
            String m = nonce + " " + i + " ";
            b.append("printf '%s\\n' ").append(ShellQuote.quote(m + "out")).append('\n');
            // stderr into the substitution, stdout straight to the exec's stdout (fd 3); $? is the subshell's exit code
            b.append("e=$( ( ").append(parts.get(i).script()).append("\n) 2>&1 1>&3 ); rc=$?\n");
            b.append("printf '\\n%s\\n' ").append(ShellQuote.quote(m + "err")).append('\n');
            b.append("printf '%s' \"$e\"\n");
            b.append("printf '\\n%s%s\\n' ").append(ShellQuote.quote(m + "rc ")).append(" \"$rc\"\n");
            if (parts.get(i).required()) {
                b.append("[ \"$rc\" -eq 0 ] || exit 0\n");
            }
        }
        return b.toString();
    }

    /**
     * Each part's answer, or null where its markers are missing. A part's {@code durationMillis} is the time between
     * the arrival of the previous part's exit-code line (the exec request, for the first part) and of its own, as the
     * worker read them ({@link CommandResult.Arrivals}); the whole exec's duration when that is unknown. The first
     * part also carries the exec's {@code connectMillis}.
     */
    static List<CommandResult> parse(String nonce, List<Part> parts, CommandResult whole) {
        List<CommandResult> out = new ArrayList<>();
        String text = whole.stdout() == null ? "" : whole.stdout();
        int from = 0;
        long previousEnd = 0;
        int bytesAtChar = 0;
        long bytesSoFar = 0;
        for (int i = 0; i < parts.size(); i++) {
            String m = nonce + " " + i + " ";
            String outMarker = m + "out\n";
            int o = text.startsWith(outMarker, from) ? from : text.indexOf("\n" + outMarker, from);
            if (o < 0) {
                out.add(null);
                continue;
            }
            int outStart = (o == from && text.startsWith(outMarker, from) ? o : o + 1) + outMarker.length();
            int errAt = text.indexOf("\n" + m + "err\n", outStart - 1);
            if (errAt < outStart - 1) {
                out.add(null);
                continue;
            }
            String stdout = errAt < outStart ? "" : text.substring(outStart, errAt);
            int errStart = errAt + m.length() + 5;
            int rcAt = text.indexOf("\n" + m + "rc ", errStart - 1);
            if (rcAt < errStart - 1) {
                out.add(null);
                continue;
            }
            String stderr = rcAt < errStart ? "" : text.substring(errStart, rcAt);
            int rcStart = rcAt + 1 + m.length() + 3;
            int eol = text.indexOf('\n', rcStart);
            if (eol < 0) {
                out.add(null);
                continue;
            }
            int rc;
            try {
                rc = Integer.parseInt(text.substring(rcStart, eol).trim());
            } catch (NumberFormatException e) {
                out.add(null);
                continue;
            }
            bytesSoFar += utf8Length(text, bytesAtChar, eol);
            bytesAtChar = eol;
            long arrived = whole.arrivals().millisAt(bytesSoFar);
            long took = arrived < 0 ? whole.durationMillis() : Math.max(0, arrived - previousEnd);
            if (arrived >= 0) {
                previousEnd = arrived;
            }
            out.add(new CommandResult(rc, stdout, stderr, took, out.isEmpty() ? whole.connectMillis() : 0,
                    CommandResult.Arrivals.NONE));
            from = eol + 1;
        }
        return out;
    }

    private static long utf8Length(String s, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
