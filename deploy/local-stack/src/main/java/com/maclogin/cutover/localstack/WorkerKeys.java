package com.maclogin.cutover.localstack;

import com.maclogin.cutover.simulator.SshKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The regional probe workers' SSH client keys, {@code <work dir>/keys/probe-<region>} (OpenSSH ed25519, mode 0600) and
 * {@code probe-<region>.pub}. They are kept across restarts of the stack: a lease someone authorised for a worker's
 * key yesterday must still let that worker in today. A key is generated only when its file is missing or unreadable.
 */
public final class WorkerKeys {

    /**
     * One worker's key.
     *
     * @param privateKey the private key file the worker is given ({@code probe.ssh.private-key-file})
     * @param publicKey  {@code ssh-ed25519 AAAA...}, the line to put in a lease's {@code authorized_keys}
     * @param reused     whether it was found from an earlier run (false: generated now)
     */
    public record Key(Path privateKey, String publicKey, boolean reused) {
    }

    private WorkerKeys() {
    }

    /** Every region's key under {@code keysDir}, reusing the ones that exist, in region order. */
    public static Map<String, Key> ensure(Path keysDir, List<String> regions) throws IOException {
        Files.createDirectories(keysDir);
        Map<String, Key> keys = new LinkedHashMap<>();
        for (String region : regions) {
            Path file = keysDir.resolve("probe-" + region);
            String existing = existingPublicKey(file);
            keys.put(region, existing != null ? new Key(file, existing, true)
                    : new Key(file, SshKeys.generateEd25519(file), false));
        }
        return keys;
    }

    /** The public key of a usable existing pair: the private key file and a well-formed {@code .pub}; else null. */
    static String existingPublicKey(Path privateKey) throws IOException {
        Path pub = privateKey.resolveSibling(privateKey.getFileName() + ".pub");
        if (!Files.isRegularFile(privateKey) || !Files.isRegularFile(pub)
                || !Files.readString(privateKey, StandardCharsets.US_ASCII).contains("BEGIN OPENSSH PRIVATE KEY")) {
            return null;
        }
        String[] parts = Files.readString(pub, StandardCharsets.US_ASCII).trim().split("\\s+");
        return parts.length >= 2 && parts[0].equals("ssh-ed25519") && parts[1].startsWith("AAAA")
                ? parts[0] + " " + parts[1] : null;
    }
}
