package com.maclogin.cutover.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the orchestrator URL and the bearer token come from, first match wins.
 * <p>Token: {@code --token}; the environment variable {@code CUTOVER_TOKEN}; {@code --token-file}; the default token
 * file {@code .local/tokens.env} (in the working directory, then in the checkout that {@code ./cutover} runs from). A
 * token file is either the local stack's {@code NAME=value} file ({@code CUTOVER_TOKEN}, else {@code OPERATOR_TOKEN};
 * {@code VIEWER_TOKEN} with {@code --viewer}) or a file whose first non-comment line is the token itself.
 * <p>URL: {@code --url}; {@code ORCHESTRATOR_URL}; the token file's {@code ORCHESTRATOR_URL}; http://127.0.0.1:8080.
 *
 * @param token     the bearer token, or {@code null} (requests go without Authorization)
 * @param tokenFrom where the token came from (printed by {@code --verbose}-style messages; never the token itself)
 * @param url       the orchestrator's base URL
 * @param urlFrom   where the URL came from
 */
public record Credentials(String token, String tokenFrom, String url, String urlFrom) {

    public static final String TOKEN_ENV = "CUTOVER_TOKEN";
    public static final String URL_ENV = "ORCHESTRATOR_URL";
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    public static final String DEFAULT_TOKEN_FILE = ".local/tokens.env";

    /** A token file that was named but cannot be used. */
    public static final class BadTokenFile extends Exception {
        public BadTokenFile(String message) {
            super(message);
        }
    }

    /**
     * @param home the checkout {@code ./cutover} runs from ({@code -Dcutover.home}), or {@code null}
     */
    public static Credentials resolve(String tokenOption, Path tokenFileOption, boolean viewer, String urlOption,
            Map<String, String> env, Path cwd, Path home) throws BadTokenFile {
        Map<String, String> file = Map.of();
        Path fileUsed = null;
        if (tokenFileOption != null) {
            Path f = cwd.resolve(tokenFileOption);
            if (!Files.isReadable(f)) {
                throw new BadTokenFile("token file " + tokenFileOption + " does not exist or cannot be read");
            }
            file = read(f);
            fileUsed = tokenFileOption;
        } else {
            for (Path candidate : defaultFiles(cwd, home)) {
                if (Files.isReadable(candidate)) {
                    file = read(candidate);
                    fileUsed = candidate;
                    break;
                }
            }
        }
        String token;
        String tokenFrom;
        if (notBlank(tokenOption)) {
            token = tokenOption.trim();
            tokenFrom = "--token";
        } else if (notBlank(env.get(TOKEN_ENV))) {
            token = env.get(TOKEN_ENV).trim();
            tokenFrom = "$" + TOKEN_ENV;
        } else if (fileUsed != null) {
            String key = viewer ? "VIEWER_TOKEN" : file.containsKey(TOKEN_ENV) ? TOKEN_ENV
                    : file.containsKey("OPERATOR_TOKEN") ? "OPERATOR_TOKEN" : PLAIN;
            token = file.get(key);
            if (!notBlank(token)) {
                if (tokenFileOption != null || viewer) {
                    throw new BadTokenFile("token file " + fileUsed + " has no " + (viewer ? "VIEWER_TOKEN" : "token")
                            + " line");
                }
                token = null;
            }
            tokenFrom = token == null ? "none" : fileUsed + (key.equals(PLAIN) ? "" : " (" + key + ")");
        } else {
            token = null;
            tokenFrom = "none";
        }
        String url;
        String urlFrom;
        if (notBlank(urlOption)) {
            url = urlOption.trim();
            urlFrom = "--url";
        } else if (notBlank(env.get(URL_ENV))) {
            url = env.get(URL_ENV).trim();
            urlFrom = "$" + URL_ENV;
        } else if (notBlank(file.get(URL_ENV))) {
            url = file.get(URL_ENV).trim();
            urlFrom = fileUsed + " (" + URL_ENV + ")";
        } else {
            url = DEFAULT_URL;
            urlFrom = "default";
        }
        return new Credentials(token, tokenFrom, url, urlFrom);
    }

    /** Key under which a file without {@code NAME=value} lines keeps its first line. */
    static final String PLAIN = "(plain)";

    static List<Path> defaultFiles(Path cwd, Path home) {
        List<Path> out = new ArrayList<>();
        out.add(cwd.resolve(DEFAULT_TOKEN_FILE));
        if (home != null && !home.toAbsolutePath().normalize().equals(cwd.toAbsolutePath().normalize())) {
            out.add(home.resolve(DEFAULT_TOKEN_FILE));
        }
        return out;
    }

    /** {@code NAME=value} lines (comments and blanks skipped, as TokensFile writes them); else the first line as PLAIN. */
    static Map<String, String> read(Path file) throws BadTokenFile {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadTokenFile("cannot read token file " + file + ": " + e.getMessage());
        }
        Map<String, String> vars = new LinkedHashMap<>();
        String first = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                vars.put(line.substring(0, eq), unquote(line.substring(eq + 1).strip()));
            } else if (first == null) {
                first = line;
            }
        }
        if (vars.isEmpty() && first != null) {
            vars.put(PLAIN, first);
        }
        return vars;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "Credentials[token from " + tokenFrom + ", url " + url + " from " + urlFrom + "]";
    }
}
