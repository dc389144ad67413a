package com.maclogin.cutover.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** The OpenClaw stand-in package: {@code package.json}, {@code openclaw.mjs}, {@code dist/index.js}. */
final class GatewayPackage {

    /** Versions the simulated registry serves (OPENCLAW.md §10), oldest first; the last one is dist-tag latest. */
    static final List<String> PUBLISHED = List.of("2026.6.35", "2026.7.1", "2026.7.1-1", "2026.7.1-2", "2026.7.33",
            "2026.7.34", "2026.7.35", "2026.8.1", "2026.8.2", "2026.9.1", "2026.9.2", "2026.9.3", "2026.9.4",
            "2026.9.5", "2026.9.6");
    static final String LATEST = "2026.9.6";

    private static final String RESOURCE_DIR = "/com/maclogin/cutover/simulator/gateway/";
    private static final byte[] INDEX_JS = resource("index.js");
    private static final byte[] OPENCLAW_MJS = resource("openclaw.mjs");

    private GatewayPackage() {
    }

    static boolean isVersionSyntax(String version) {
        return version != null && version.matches("\\d{1,4}\\.\\d{1,2}\\.\\d{1,3}(-[0-9A-Za-z.]{1,20})?");
    }

    /** The package.json of the stand-in at {@code version} (deterministic, so package tree hashes are stable). */
    static String packageJson(String version) {
        return "{\n"
                + "  \"name\": \"openclaw\",\n"
                + "  \"version\": \"" + version + "\",\n"
                + "  \"description\": \"OpenClaw Gateway (lease-simulator stand-in, not the real OpenClaw)\",\n"
                + "  \"license\": \"MIT\",\n"
                + "  \"main\": \"dist/index.js\",\n"
                + "  \"bin\": {\n    \"openclaw\": \"openclaw.mjs\"\n  },\n"
                + "  \"engines\": {\n    \"node\": \">=18\"\n  },\n"
                + "  \"files\": [\n    \"dist\",\n    \"openclaw.mjs\"\n  ]\n"
                + "}\n";
    }

    /** One file of a package, relative to the package root, with its npm mode (0644 or 0755). */
    record PackageFile(String path, byte[] content, int mode) {
    }

    /**
     * The files of the stand-in at {@code version}, sorted by path: exactly what {@code npm install -g} puts under
     * {@code lib/node_modules/openclaw} and what {@code npm pack} puts under {@code package/}.
     */
    static List<PackageFile> files(String version) {
        return List.of(new PackageFile("dist/index.js", INDEX_JS, 0644),
                new PackageFile("openclaw.mjs", OPENCLAW_MJS, 0755),
                new PackageFile("package.json", packageJson(version).getBytes(StandardCharsets.UTF_8), 0644));
    }

    /**
     * Installs the stand-in at {@code version} as {@code <prefix>/lib/node_modules/openclaw} the way npm does: builds
     * it next to the target, swaps it in, links {@code <prefix>/bin/openclaw}. Returns the package root.
     */
    static Path install(Path prefix, String version) throws IOException {
        return install(prefix, files(version), "openclaw.mjs");
    }

    /**
     * Installs {@code files} as {@code <prefix>/lib/node_modules/openclaw} (built next to the target, then swapped
     * in) and links {@code <prefix>/bin/openclaw} to {@code binTarget} (relative to the package root).
     */
    static Path install(Path prefix, List<PackageFile> files, String binTarget) throws IOException {
        Path modules = prefix.resolve("lib/node_modules");
        Files.createDirectories(modules);
        Path target = modules.resolve("openclaw");
        Path staging = modules.resolve(".openclaw-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(staging);
            for (PackageFile f : files) {
                Path file = staging.resolve(f.path()).normalize();
                if (!file.startsWith(staging) || file.equals(staging)) {
                    throw new IOException("refusing package path " + f.path());
                }
                Files.createDirectories(file.getParent());
                write(file, f.content(), (f.mode() & 0111) != 0 ? "rwxr-xr-x" : "rw-r--r--");
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
        Path old = null;
        if (Files.exists(target)) {
            old = modules.resolve(".openclaw-old-" + UUID.randomUUID().toString().substring(0, 8));
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
        Path bin = prefix.resolve("bin");
        Files.createDirectories(bin);
        Path link = bin.resolve("openclaw");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("../lib/node_modules/openclaw/" + binTarget));
        return target;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void write(Path file, byte[] content, String perms) throws IOException {
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
    }

    private static byte[] resource(String name) {
        try (InputStream in = GatewayPackage.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE_DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
