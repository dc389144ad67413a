package com.maclogin.cutover.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * Installs the stand-in at {@code version} as {@code <prefix>/lib/node_modules/openclaw} the way npm does: builds
     * it next to the target, swaps it in, links {@code <prefix>/bin/openclaw}. Returns the package root.
     */
    static Path install(Path prefix, String version) throws IOException {
        Path modules = prefix.resolve("lib/node_modules");
        Files.createDirectories(modules);
        Path target = modules.resolve("openclaw");
        Path staging = modules.resolve(".openclaw-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(staging.resolve("dist"));
        write(staging.resolve("package.json"), packageJson(version).getBytes(StandardCharsets.UTF_8), "rw-r--r--");
        write(staging.resolve("openclaw.mjs"), OPENCLAW_MJS, "rwxr-xr-x");
        write(staging.resolve("dist/index.js"), INDEX_JS, "rw-r--r--");
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
        Files.createSymbolicLink(link, Path.of("../lib/node_modules/openclaw/openclaw.mjs"));
        return target;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
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
