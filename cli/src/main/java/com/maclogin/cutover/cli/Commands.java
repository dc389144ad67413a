package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The cutover commands. */
final class Commands {

    private Commands() {
    }

    @Command(name = "leases", mixinStandardHelpOptions = true,
            description = {"List the registered leases with their health (continuous watch; * = crash-looping)."})
    static final class Leases extends ApiCommand {
        @Override
        public Integer call() throws ApiError {
            JsonNode leases = api().get("/api/v1/leases");
            if (json()) {
                printJson(leases);
                return ExitCodes.OK;
            }
            out().println(String.format("%-16s %-6s %-10s %-22s %-12s %-20s %s", "LEASE", "REGION", "STAGE", "HOST",
                    "HEALTH", "SINCE", "REASON"));
            for (JsonNode l : leases) {
                JsonNode h = l.path("health");
                String health = h.path("state").asText("UNKNOWN") + (h.path("crashLooping").asBoolean() ? "*" : "");
                out().println(String.format("%-16s %-6s %-10s %-22s %-12s %-20s %s", l.path("id").asText(),
                        l.path("region").asText(), l.path("stage").asText(),
                        l.path("host").asText() + ":" + l.path("sshPort").asText(), health,
                        h.path("since").isTextual() ? h.path("since").asText() : "-", h.path("reason").asText("")));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start a cutover and print its id; with --watch, follow it.",
                "POST /api/v1/cutovers.",
                "Options override the fields of --file (a full request body as JSON, e.g. with thresholds)."})
    static final class Start extends ApiCommand {
        @Option(names = "--file", paramLabel = "FILE", description = "Request body (JSON) to start from; '-' reads stdin")
        Path file;
        @Option(names = "--lease", paramLabel = "ID", description = "Lease id")
        String lease;
        @Option(names = "--candidate", paramLabel = "VERSION", description = "Candidate version, e.g. 2026.9.6")
        String candidate;
        @Option(names = "--candidate-sha256", paramLabel = "HEX", description = "Pin the npm tarball's sha256")
        String candidateSha256;
        @Option(names = "--ticket", paramLabel = "ID", description = "Change ticket, e.g. CHG-4711")
        String ticket;
        @Option(names = "--owner", paramLabel = "NAME:ZONE", description = "The rollback owner, e.g. 'Mei Chan:Asia/Hong_Kong'")
        String owner;
        @Option(names = "--operator", paramLabel = "NAME:ZONE", description = "Another operator on call (repeatable)")
        List<String> operators = new ArrayList<>();
        @Option(names = "--channel", paramLabel = "CHANNEL", description = "Blast radius: a chat channel (repeatable)")
        List<String> channels = new ArrayList<>();
        @Option(names = "--model", paramLabel = "MODEL", description = "Blast radius: a model (repeatable)")
        List<String> models = new ArrayList<>();
        @Option(names = "--cron", paramLabel = "SCHEDULE", description = "Blast radius: a cron schedule (repeatable)")
        List<String> crons = new ArrayList<>();
        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Idempotency-Key header (a retry returns the same cutover)")
        String idempotencyKey;
        @Option(names = "--watch", description = "Follow the new cutover as 'watch' does, and exit with its code")
        boolean watch;
        @Mixin
        WatchOptions watchOptions;

        @Override
        public Integer call() throws ApiError {
            ObjectNode body = file == null ? Api.JSON.createObjectNode() : readObject(file, spec);
            put(body, "leaseId", lease);
            put(body, "candidateVersion", candidate);
            put(body, "candidateSha256", candidateSha256);
            put(body, "ticketId", ticket);
            if (owner != null || !operators.isEmpty()) {
                ArrayNode ops = body.putArray("operators");
                if (owner != null) {
                    ops.add(operator(owner, true));
                }
                for (String o : operators) {
                    ops.add(operator(o, false));
                }
            }
            if (!channels.isEmpty() || !models.isEmpty() || !crons.isEmpty()) {
                ObjectNode br = body.putObject("blastRadius");
                br.set("channels", Api.JSON.valueToTree(channels));
                br.set("models", Api.JSON.valueToTree(models));
                br.set("cronSchedules", Api.JSON.valueToTree(crons));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (idempotencyKey != null) {
                headers.put("Idempotency-Key", idempotencyKey);
            }
            Api api = api();
            JsonNode created = api.post("/api/v1/cutovers", body, headers);
            String id = created.path("id").asText();
            if (!watch) {
                if (json()) {
                    printJson(created);
                } else {
                    out().println(id);
                }
                return ExitCodes.OK;
            }
            if (!json()) {
                out().println("started cutover " + id + " on " + created.path("leaseId").asText());
            }
            return Watch.follow(this, api, id, watchOptions);
        }

        private ObjectNode operator(String spec, boolean rollbackOwner) {
            int colon = spec.lastIndexOf(':');
            if (colon <= 0 || colon == spec.length() - 1) {
                throw new CommandLine.ParameterException(this.spec.commandLine(),
                        "operator '" + spec + "' must be NAME:TIME_ZONE, e.g. 'Mei Chan:Asia/Hong_Kong'");
            }
            ObjectNode o = Api.JSON.createObjectNode();
            o.put("name", spec.substring(0, colon).trim());
            o.put("timeZone", spec.substring(colon + 1).trim());
            o.put("rollbackOwner", rollbackOwner);
            return o;
        }

        private static void put(ObjectNode body, String field, String value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    /** Reads a JSON object from a file or stdin ('-'). */
    static ObjectNode readObject(Path file, CommandLine.Model.CommandSpec spec) {
        try {
            JsonNode n = "-".equals(file.toString()) ? Api.JSON.readTree(System.in)
                    : Api.JSON.readTree(Files.readAllBytes(((CutoverCli) spec.root().userObject()).env.cwd().resolve(file)));
            if (n == null || !n.isObject()) {
                throw new CommandLine.ParameterException(spec.commandLine(), file + " must hold one JSON object");
            }
            return (ObjectNode) n;
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a cutover: state, steps, breaches.")
    static final class Status extends ApiCommand {
        @Parameters(paramLabel = "CUTOVER_ID")
        String id;

        @Override
        public Integer call() throws ApiError {
            JsonNode c = api().get("/api/v1/cutovers/" + id(id));
            if (json()) {
                printJson(c);
            } else {
                out().println(Blocks.cutover(c));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Follow a cutover until it ends; print each change of state, step or breach.",
                "On a terminal the block is redrawn in place; otherwise one line per change; --json: one JSON object",
                "per change (fields: event, at, id, leaseId, state, epoch, step, stepAttempt, stepOutcome, breaches,",
                "lastBreach, reason, final, exitCode)."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                " 0:GREEN", " 3:FAILED", " 4:ROLLED_BACK", " 5:ROLLBACK_FAILED", " 6:ABORTED",
                " 7:PAUSED (unless --follow-paused)", " 8:--timeout passed", "10:401/403", "11:no such cutover",
                "13:orchestrator unreachable"})
    static final class Watch extends ApiCommand {
        @Parameters(paramLabel = "CUTOVER_ID")
        String id;
        @Mixin
        WatchOptions watchOptions;

        @Override
        public Integer call() {
            return follow(this, api(), id, watchOptions);
        }

        static int follow(ApiCommand cmd, Api api, String id, WatchOptions o) {
            CutoverCli.Env env = cmd.env();
            Watcher w = new Watcher(() -> api.get("/api/v1/cutovers/" + id(id)), Snapshot::ofCutover,
                    s -> ExitCodes.forCutoverState(s.state(), o.followPaused), Blocks::cutover, mode(cmd), env.out(),
                    env.err(), env.clock(), env.sleeper());
            return w.run(o.interval, o.timeout);
        }

        static Watcher.Mode mode(ApiCommand cmd) {
            if (cmd.json()) {
                return Watcher.Mode.JSON;
            }
            return cmd.env().console() ? Watcher.Mode.TERMINAL : Watcher.Mode.LINES;
        }
    }

    /** pause / resume / abort / rollback: POST with a reason, print the new state. */
    abstract static class Action extends ApiCommand {
        @Parameters(paramLabel = "CUTOVER_ID")
        String id;
        @Option(names = {"-r", "--reason"}, required = true, paramLabel = "TEXT", description = "Why (recorded in the audit trail)")
        String reason;

        abstract String verb();

        @Override
        public Integer call() throws ApiError {
            JsonNode c = api().post("/api/v1/cutovers/" + id(id) + "/" + verb(), Map.of("reason", reason), Map.of());
            if (json()) {
                printJson(c);
            } else {
                out().println(c.path("id").asText() + " " + c.path("state").asText());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a RUNNING or VALIDATING cutover: the step in flight finishes, the next one waits.")
    static final class Pause extends Action {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a PAUSED cutover.")
    static final class Resume extends Action {
        @Override
        String verb() {
            return "resume";
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true, description = "Abort a cutover before its plist flip.")
    static final class Abort extends Action {
        @Override
        String verb() {
            return "abort";
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Roll a cutover back (while active, or the lease's latest GREEN one within its retention).")
    static final class Rollback extends Action {
        @Override
        String verb() {
            return "rollback";
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve the overrides a cutover waits for (you must not be the operator who requested them); "
                    + "then it begins.")
    static final class Approve extends ApiCommand {
        @Parameters(paramLabel = "CUTOVER_ID")
        String id;

        @Override
        public Integer call() throws ApiError {
            JsonNode c = api().post("/api/v1/cutovers/" + id(id) + "/overrides/approve", Map.of(), Map.of());
            if (json()) {
                printJson(c);
            } else {
                out().println(c.path("id").asText() + " " + c.path("state").asText() + " overrides approved");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"Write the cutover report to a file (HTML, or JSON with --format json).",
                "GET /api/v1/cutovers/{id}/report: one self-contained HTML page with the charts as inline SVG,",
                "or the same content as JSON. Prints the file's path."})
    static final class Report extends ApiCommand {
        @Parameters(paramLabel = "CUTOVER_ID")
        String id;
        @Option(names = "--format", paramLabel = "html|json", defaultValue = "html",
                description = "html (default) or json")
        String format;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Where to write it ('-' for stdout; default: the name the server suggests, here)")
        Path output;

        private static final Pattern FILENAME = Pattern.compile("filename=\"([A-Za-z0-9._-]+)\"");

        @Override
        public Integer call() throws ApiError {
            String accept = switch (format) {
                case "html" -> "text/html";
                case "json" -> "application/json";
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format must be html or json");
            };
            Api.Reply r = api().download("/api/v1/cutovers/" + id(id) + "/report", accept);
            if (output != null && "-".equals(output.toString())) {
                out().print(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                out().flush();
                return ExitCodes.OK;
            }
            Path target = output;
            if (target == null) {
                Matcher m = r.contentDisposition() == null ? null : FILENAME.matcher(r.contentDisposition());
                target = Path.of(m != null && m.find() ? m.group(1) : "cutover-" + id + "-report." + format);
            }
            Path file = env().cwd().resolve(target);
            try {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.write(file, r.body());
            } catch (IOException e) {
                throw new CutoverCli.UsageError("cannot write " + file + ": " + e.getMessage());
            }
            if (json()) {
                ObjectNode o = Api.JSON.createObjectNode();
                o.put("file", file.toString());
                o.put("bytes", r.body().length);
                o.put("contentType", r.contentType());
                out().println(o.toString());
            } else {
                out().println(file);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = {"Print the bash completion script (also works in zsh with bashcompinit).",
                "Use: source <(./cutover completion)"})
    static final class Completion extends ApiCommand {
        @Override
        public Integer call() {
            out().print(AutoComplete.bash("cutover", spec.root().commandLine()));
            out().flush();
            return ExitCodes.OK;
        }
    }
}
