package com.maclogin.cutover.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cutover}: the orchestrator's API from a shell. Started by {@code ./cutover} at the repository root, which builds
 * {@code cli/target/cutover-cli.jar} on first use. Global options ({@link GlobalOptions}) go before or after the
 * subcommand.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true, version = "cutover 0.1.0",
        description = {"Start, follow and steer OpenClaw gateway cutovers and fleets through the orchestrator's API.",
            "'cutover topics check|apply' checks or creates the Kafka topics on a cluster."},
        subcommands = {Commands.Leases.class, Commands.Start.class, Commands.Status.class, Commands.Watch.class,
            Commands.Pause.class, Commands.Resume.class, Commands.Abort.class, Commands.Rollback.class, Commands.Approve.class,
            FleetCommands.class, Commands.Report.class, TopicsCommands.class, Commands.Completion.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            " 0:GREEN (watch), fleet DONE (fleet watch), or the command worked",
            " 1:unexpected error inside the CLI; topics check/apply: topics differ from the specs",
            " 2:usage error (bad option or argument, unreadable file)",
            " 3:cutover FAILED",
            " 4:cutover or fleet ROLLED_BACK",
            " 5:cutover ROLLBACK_FAILED",
            " 6:cutover or fleet ABORTED",
            " 7:cutover PAUSED, fleet PAUSED or HALTED (waits for an operator)",
            " 8:--timeout passed before the end",
            "10:401/403: missing or invalid token, or a viewer token for an operator action",
            "11:404: no such cutover, fleet or lease",
            "12:the API refused the request (400 bad input, 409 wrong state)",
            "13:orchestrator (topics: Kafka cluster) unreachable or 5xx"},
        footerHeading = "%nToken and URL:%n", footer = {
            "  token: --token, $CUTOVER_TOKEN, --token-file, .local/tokens.env",
            "         (OPERATOR_TOKEN there; VIEWER_TOKEN with --viewer)",
            "  url:   --url, $ORCHESTRATOR_URL, the token file's ORCHESTRATOR_URL,",
            "         http://127.0.0.1:8080",
            "%nShell completion: source <(./cutover completion)"})
public class CutoverCli implements Runnable, HasGlobals {

    /** What a run needs from outside; tests pass their own. */
    public record Env(Map<String, String> variables, Path cwd, Path home, PrintWriter out, PrintWriter err,
            boolean console, Clock clock, Watcher.Sleeper sleeper) {

        public static Env system() {
            String home = System.getProperty("cutover.home");
            return new Env(System.getenv(), Path.of("").toAbsolutePath(), home == null ? null : Path.of(home),
                    new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                    new PrintWriter(System.err, true, StandardCharsets.UTF_8), interactive(),
                    Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
        }
    }

    /**
     * Whether stdout is a terminal: {@code System.console() != null} (on JDK 22+, where a console exists also when
     * redirected, its {@code isTerminal()}).
     */
    static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console exists only on a terminal
        }
    }

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    final Env env;

    @Override
    public GlobalOptions globals() {
        return global;
    }

    public CutoverCli(Env env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'cutover --help'");
    }

    public static void main(String[] args) {
        System.exit(run(Env.system(), args));
    }

    /** Runs one command line and returns its exit code (never calls System.exit). */
    public static int run(Env env, String... args) {
        CommandLine cl = commandLine(env);
        int code = cl.execute(args);
        env.out().flush();
        env.err().flush();
        return code;
    }

    static CommandLine commandLine(Env env) {
        CommandLine cl = new CommandLine(new CutoverCli(env));
        cl.setOut(env.out());
        cl.setErr(env.err());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ApiError e) {
                env.err().println("cutover: " + e.getMessage());
                return e.exitCode();
            }
            if (ex instanceof UsageError e) {
                env.err().println("cutover: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            env.err().println("cutover: unexpected error: " + ex);
            return ExitCodes.INTERNAL;
        });
        return cl;
    }

    /** Bad input the CLI itself noticed (a file that cannot be read, conflicting options). */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
