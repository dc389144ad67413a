package com.maclogin.cutover.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every command takes, before or after the subcommand name ({@code cutover --json status ID} and
 * {@code cutover status ID --json} are the same): the nearest one given wins.
 */
public class GlobalOptions {

    @Option(names = "--url", paramLabel = "URL",
            description = "Orchestrator base URL (default: $ORCHESTRATOR_URL, the token file's, http://127.0.0.1:8080)")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token (default: $CUTOVER_TOKEN, the token file)")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File with the token: NAME=value lines as .local/tokens.env, or the token alone"
                    + " (default: .local/tokens.env if present)")
    Path tokenFile;

    @Option(names = "--viewer", description = "Use VIEWER_TOKEN of the token file instead of OPERATOR_TOKEN")
    Boolean viewer;

    @Option(names = "--json", description = "Machine-readable output: the API's JSON, or one JSON object per event")
    Boolean json;
}
