package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover fleet start|status|watch|promote}. */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = "Fleet cutovers: many leases in waves.",
        subcommands = {FleetCommands.Start.class, FleetCommands.Status.class, FleetCommands.Watch.class,
            FleetCommands.Promote.class})
final class FleetCommands implements Runnable, HasGlobals {

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public GlobalOptions globals() {
        return global;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing fleet command: start, status, watch or promote");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a fleet cutover (POST /api/v1/fleet-cutovers) from a request file; print its id.")
    static final class Start extends ApiCommand {
        @Option(names = "--file", required = true, paramLabel = "FILE",
                description = "The fleet request (JSON: candidateVersion, ticketId, operators, blastRadius, selector, plan); '-' reads stdin")
        Path file;
        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Idempotency-Key header")
        String idempotencyKey;
        @Option(names = "--watch", description = "Follow the fleet as 'fleet watch' does, and exit with its code")
        boolean watch;
        @Mixin
        WatchOptions watchOptions;

        @Override
        public Integer call() throws ApiError {
            ObjectNode body = Commands.readObject(file, spec);
            Map<String, String> headers = new LinkedHashMap<>();
            if (idempotencyKey != null) {
                headers.put("Idempotency-Key", idempotencyKey);
            }
            Api api = api();
            JsonNode created = api.post("/api/v1/fleet-cutovers", body, headers);
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
                out().println("started fleet " + id);
            }
            return Watch.follow(this, api, id, watchOptions);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a fleet: state, waves, leases.")
    static final class Status extends ApiCommand {
        @Parameters(paramLabel = "FLEET_ID")
        String id;

        @Override
        public Integer call() throws ApiError {
            JsonNode f = api().get("/api/v1/fleet-cutovers/" + id(id));
            if (json()) {
                printJson(f);
            } else {
                out().println(Blocks.fleet(f));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Follow a fleet until it ends; print each change of state, wave, counts or budget.",
                "--json: one JSON object per change (fields: event, at, id, state, wave, waveName, counts, budget,",
                "next, final, exitCode)."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {" 0:DONE", " 4:ROLLED_BACK", " 6:ABORTED",
                " 7:PAUSED or HALTED (unless --follow-paused)", " 8:--timeout passed", "10:401/403", "11:no such fleet",
                "13:orchestrator unreachable"})
    static final class Watch extends ApiCommand {
        @Parameters(paramLabel = "FLEET_ID")
        String id;
        @Mixin
        WatchOptions watchOptions;

        @Override
        public Integer call() {
            return follow(this, api(), id, watchOptions);
        }

        static int follow(ApiCommand cmd, Api api, String id, WatchOptions o) {
            CutoverCli.Env env = cmd.env();
            Watcher w = new Watcher(() -> api.get("/api/v1/fleet-cutovers/" + id(id)), Snapshot::ofFleet,
                    s -> ExitCodes.forFleetState(s.state(), o.followPaused), Blocks::fleet,
                    Commands.Watch.mode(cmd), env.out(), env.err(), env.clock(), env.sleeper());
            return w.run(o.interval, o.timeout);
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Start the next wave (when the plan waits for a promote) or cut the current bake short.")
    static final class Promote extends ApiCommand {
        @Parameters(paramLabel = "FLEET_ID")
        String id;
        @Option(names = {"-r", "--reason"}, required = true, paramLabel = "TEXT", description = "Why (audited)")
        String reason;

        @Override
        public Integer call() throws ApiError {
            JsonNode f = api().post("/api/v1/fleet-cutovers/" + id(id) + "/promote", Map.of("reason", reason), Map.of());
            if (json()) {
                printJson(f);
            } else {
                out().println(f.path("id").asText() + " " + f.path("state").asText());
            }
            return ExitCodes.OK;
        }
    }
}
