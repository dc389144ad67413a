package com.maclogin.cutover.simulator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What the simulated leases' {@code npm} serves, for tests of other modules: the published versions of
 * {@code openclaw} and the tarball {@code npm pack openclaw@<v>} writes on any lease. The tarball is deterministic
 * (same bytes on every lease and every run), so its sha256 can be pinned, e.g. as a cutover's {@code candidateSha256}
 * ({@code expectedSha256.tarball} of INSTALL_CANDIDATE).
 */
public final class SimulatedNpmRegistry {

    private SimulatedNpmRegistry() {
    }

    /** The versions of {@code openclaw} the leases' npm knows (OPENCLAW.md §10), oldest first. */
    public static List<String> publishedVersions() {
        return GatewayPackage.PUBLISHED;
    }

    /** dist-tag {@code latest}. */
    public static String latestVersion() {
        return GatewayPackage.LATEST;
    }

    /** The file name {@code npm pack openclaw@<version>} writes: {@code openclaw-<version>.tgz}. */
    public static String tarballFileName(String version) {
        return NpmTarball.fileName(requirePublished(version));
    }

    /** A copy of the bytes of {@code openclaw-<version>.tgz} as {@code npm pack} writes them on a lease. */
    public static byte[] packedTarball(String version) {
        return NpmTarball.packed(requirePublished(version)).clone();
    }

    /** sha256 (64 lowercase hex digits, as {@code shasum -a 256} prints it) of {@code openclaw-<version>.tgz}. */
    public static String packedTarballSha256(String version) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(NpmTarball.packed(requirePublished(version))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String requirePublished(String version) {
        String v = "latest".equals(version) ? GatewayPackage.LATEST : version;
        if (!GatewayPackage.PUBLISHED.contains(v)) {
            throw new IllegalArgumentException("openclaw@" + version + " is not published in the simulated registry "
                    + "(known: " + GatewayPackage.PUBLISHED + ")");
        }
        return v;
    }
}
