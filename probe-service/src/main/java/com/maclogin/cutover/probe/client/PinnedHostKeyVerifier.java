package com.maclogin.cutover.probe.client;

import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * Accepts exactly one server key: the one pinned for the lease ({@code ssh-ed25519 AAAA...}). The key blob the
 * server presents is compared byte for byte with the pinned blob; anything else (unknown, changed) is rejected.
 * There is no trust-on-first-use and no fallback.
 */
public final class PinnedHostKeyVerifier implements HostKeyVerifier {

    private final String algorithm;
    private final byte[] pinnedBlob;

    public PinnedHostKeyVerifier(String pinnedOpenSshLine) {
        String[] parts = pinnedOpenSshLine.trim().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("pinned host key must be '<algorithm> <base64>'");
        }
        this.algorithm = parts[0];
        this.pinnedBlob = Base64.getDecoder().decode(parts[1]);
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        byte[] presented;
        try {
            presented = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        } catch (RuntimeException e) {
            return false;
        }
        return MessageDigest.isEqual(pinnedBlob, presented);
    }

    /** Tells the key exchange which host key algorithm to ask for, so the server presents the pinned kind. */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        if (algorithm.equals("ssh-rsa") || algorithm.startsWith("rsa-sha2-")) {
            return List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
        }
        return List.of(algorithm);
    }
}
