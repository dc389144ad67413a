package com.maclogin.cutover.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <work dir>/tokens.env}: the running stack's orchestrator URL and its operator, viewer and admin bearer tokens, as
 * shell variables, so that README's "Start a cutover by hand" works after {@code source .local/tokens.env}. Mode 0600
 * from the moment it exists (written to a temporary file created 0600, then moved): the tokens are the API's keys.
 */
public final class TokensFile {

    public static final String NAME = "tokens.env";

    private TokensFile() {
    }

    /** Writes the file and returns its path. */
    public static Path write(Path workDir, String orchestratorUrl, String operatorToken, String viewerToken,
            String adminToken) throws IOException {
        Path file = workDir.resolve(NAME);
        Path tmp = workDir.resolve(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, """
                # written by the local stack (run-demo.sh); valid while this stack runs. Use: source .local/tokens.env
                ORCHESTRATOR_URL=%s
                OPERATOR_TOKEN=%s
                VIEWER_TOKEN=%s
                ADMIN_TOKEN=%s
                """.formatted(orchestratorUrl, operatorToken, viewerToken, adminToken), StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** The {@code NAME=value} lines of such a file (comments and blank lines skipped). */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            int eq = line.indexOf('=');
            if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }
}
