package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The typed part of a {@link StepResult}: the values of a step that another service reads (the inventory gate's
 * hashes, versions and node facts; the snapshot's archive hashes; the candidate's {@code engines.node}; what a
 * restore found and runs; when a verification window went green). Only steps with such values have a report; the
 * free-form {@link StepResult#facts()} stay as evidence.
 *
 * <p>On the wire: {@code "report":{"kind":"RESTORE","plistSha256After":"…",…}}. A report of a kind this build does
 * not know reads as {@code null}. Every field is optional: a failed step reports what it learnt before it stopped.
 *
 * <p>The worker fills the report from the facts it recorded ({@link #fromFacts}), so a result answered from the
 * lease's ledger carries the same report as the original. A reader that gets a result from a worker that predates
 * reports, or reads stored facts, lifts them the same way ({@link #of}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind",
        defaultImpl = Void.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = StepReport.Inventory.class, name = "INVENTORY"),
        @JsonSubTypes.Type(value = StepReport.Snapshot.class, name = "SNAPSHOT"),
        @JsonSubTypes.Type(value = StepReport.InstallCandidate.class, name = "INSTALL_CANDIDATE"),
        @JsonSubTypes.Type(value = StepReport.Validate.class, name = "VALIDATE"),
        @JsonSubTypes.Type(value = StepReport.Restore.class, name = "RESTORE")})
public sealed interface StepReport {

    /** The step that reported it; on the wire, the report's {@code kind} property. */
    StepKind kind();

    /**
     * What INVENTORY found; the pre-cutover gates and the hash chain start here.
     *
     * @param plistSha256       sha256 of the live plist (gate ARTIFACT_HASHES; {@code expectedSha256.plist})
     * @param packageSha256     hash of the running package tree (gate ARTIFACT_HASHES; {@code expectedSha256.package})
     * @param gatewayVersion    the running version (gate PREVIOUS_VERSION; the cutover's previous version)
     * @param loginNodeVersion  {@code node -v} in the login shell (gate NODE_MAJOR_LOCK)
     * @param plistNodeVersion  the plist's node (gate NODE_MAJOR_LOCK; the candidate engines gate)
     * @param enginesNode       the running package's {@code engines.node} (evidence of NODE_MAJOR_LOCK)
     * @param gatewayPort       the plist's {@code --port} (gate PORT_MAP)
     * @param gatewayPid        launchd's pid of the gateway (gate PORT_MAP)
     * @param listeningPids     the pids listening on the gateway port (gate PORT_MAP: exactly the gateway's pid)
     * @param diskFreePercent   free space of the home volume (gate DISK)
     * @param baselineP95Millis integration P95 before the cutover ({@link ProbePlan#baselineP95Millis()})
     * @param cliPath           where the lease user's login shell finds {@code openclaw} (gate CLI_MATCHES_SERVICE)
     * @param cliVersion        what that {@code openclaw --version} reports, beside {@code gatewayVersion} (gate
     *                          CLI_MATCHES_SERVICE: they must be equal)
     */
    record Inventory(String plistSha256, String packageSha256, String gatewayVersion, String loginNodeVersion,
            String plistNodeVersion, String enginesNode, Integer gatewayPort, Long gatewayPid, List<Long> listeningPids,
            Double diskFreePercent, Double baselineP95Millis, String cliPath, String cliVersion,
            String packageStatSha256) implements StepReport {

        /** Without the package's stat listing hash (a worker that predates it). */
        public Inventory(String plistSha256, String packageSha256, String gatewayVersion, String loginNodeVersion,
                String plistNodeVersion, String enginesNode, Integer gatewayPort, Long gatewayPid,
                List<Long> listeningPids, Double diskFreePercent, Double baselineP95Millis, String cliPath,
                String cliVersion) {
            this(plistSha256, packageSha256, gatewayVersion, loginNodeVersion, plistNodeVersion, enginesNode,
                    gatewayPort, gatewayPid, listeningPids, diskFreePercent, baselineP95Millis, cliPath, cliVersion,
                    null);
        }

        /** Without the CLI's path and version (a worker that predates them). */
        public Inventory(String plistSha256, String packageSha256, String gatewayVersion, String loginNodeVersion,
                String plistNodeVersion, String enginesNode, Integer gatewayPort, Long gatewayPid,
                List<Long> listeningPids, Double diskFreePercent, Double baselineP95Millis) {
            this(plistSha256, packageSha256, gatewayVersion, loginNodeVersion, plistNodeVersion, enginesNode,
                    gatewayPort, gatewayPid, listeningPids, diskFreePercent, baselineP95Millis, null, null);
        }

        @Override
        public StepKind kind() {
            return StepKind.INVENTORY;
        }

        public static Inventory fromFacts(Map<String, String> f) {
            return new Inventory(text(f, StepFacts.PLIST_SHA256), text(f, StepFacts.PACKAGE_SHA256),
                    text(f, StepFacts.GATEWAY_VERSION), text(f, StepFacts.LOGIN_NODE_VERSION),
                    text(f, StepFacts.PLIST_NODE_VERSION), text(f, StepFacts.ENGINES_NODE),
                    integer(f, StepFacts.GATEWAY_PORT), whole(f, StepFacts.GATEWAY_PID),
                    wholes(f, StepFacts.LISTENING_PID), decimal(f, StepFacts.DISK_FREE_PERCENT),
                    decimal(f, StepFacts.BASELINE_P95_MILLIS), text(f, StepFacts.CLI_PATH),
                    text(f, StepFacts.CLI_VERSION), text(f, StepFacts.PACKAGE_STAT_SHA256));
        }
    }

    /**
     * The rollback kit SNAPSHOT wrote.
     *
     * @param stateArchiveSha256   sha256 of {@code state.tgz} ({@code expectedSha256.state} from here on)
     * @param packageArchiveSha256 sha256 of {@code package.tgz}
     * @param plistBackupSha256    sha256 of the kit's plist copy
     */
    record Snapshot(String stateArchiveSha256, String packageArchiveSha256, String plistBackupSha256)
            implements StepReport {

        @Override
        public StepKind kind() {
            return StepKind.SNAPSHOT;
        }

        public static Snapshot fromFacts(Map<String, String> f) {
            return new Snapshot(text(f, StepFacts.STATE_ARCHIVE_SHA256), text(f, StepFacts.PACKAGE_ARCHIVE_SHA256),
                    text(f, StepFacts.PLIST_BACKUP_SHA256));
        }
    }

    /**
     * The candidate INSTALL_CANDIDATE installed.
     *
     * @param candidatePackageRoot   where it was installed
     * @param candidatePackageSha256 hash of its package tree
     * @param candidateEnginesNode   its {@code engines.node} (the candidate engines gate); absent when it declares none
     * @param candidateTarballSha256 sha256 of the verified {@code openclaw-<v>.tgz}, when the command carried one
     */
    record InstallCandidate(String candidatePackageRoot, String candidatePackageSha256, String candidateEnginesNode,
            String candidateTarballSha256) implements StepReport {

        @Override
        public StepKind kind() {
            return StepKind.INSTALL_CANDIDATE;
        }

        public static InstallCandidate fromFacts(Map<String, String> f) {
            return new InstallCandidate(text(f, StepFacts.CANDIDATE_PACKAGE_ROOT),
                    text(f, StepFacts.CANDIDATE_PACKAGE_SHA256), text(f, StepFacts.CANDIDATE_ENGINES_NODE),
                    text(f, StepFacts.CANDIDATE_TARBALL_SHA256));
        }
    }

    /**
     * What a validation window saw.
     *
     * @param runningVersion        the version {@code /startupz} reported at the end
     * @param firstGreenRound       the first round in which every layer PASSED (a malformed one leaves both this
     *                              and {@code firstGreenAt} empty)
     * @param firstGreenAt          when that round ended
     * @param firstGreenAfterMillis milliseconds from the window's start to that round
     */
    record Validate(String runningVersion, Integer firstGreenRound, Instant firstGreenAt, Long firstGreenAfterMillis)
            implements StepReport {

        @Override
        public StepKind kind() {
            return StepKind.VALIDATE;
        }

        /** {@code runningVersion}, else (older workers) {@code gatewayVersion}; a malformed green round: neither. */
        public static Validate fromFacts(Map<String, String> f) {
            Instant at = instant(f, StepFacts.FIRST_GREEN_AT);
            String roundText = text(f, StepFacts.FIRST_GREEN_ROUND);
            Integer round = integer(f, StepFacts.FIRST_GREEN_ROUND);
            if (roundText != null && round == null) {
                at = null;
            }
            return new Validate(first(f, StepFacts.RUNNING_VERSION, StepFacts.GATEWAY_VERSION),
                    at == null ? null : round, at, whole(f, StepFacts.FIRST_GREEN_AFTER_MILLIS));
        }
    }

    /**
     * What RESTORE found and left. The hashes are reported as soon as they are known, so a failed restore still says
     * what it found.
     *
     * @param stateArchiveSha256         the kit's {@code state.tgz} as found, before anything was restored
     * @param plistSha256Before          the live plist before the restore
     * @param plistSha256After           the plist after it was copied back from the kit
     * @param packageSha256Before        the package tree before the restore
     * @param packageSha256After         the package tree after the restore
     * @param packageRestoredFromArchive whether the package tree had to be unpacked from the kit
     * @param runningVersion             the version {@code /startupz} reports afterwards
     * @param unfrozen                   whether this cutover's freeze marker was lifted
     */
    record Restore(String stateArchiveSha256, String plistSha256Before, String plistSha256After,
            String packageSha256Before, String packageSha256After, Boolean packageRestoredFromArchive,
            String runningVersion, Boolean unfrozen) implements StepReport {

        @Override
        public StepKind kind() {
            return StepKind.RESTORE;
        }

        /**
         * The {@code …After} names, else (older workers) the inventory-style {@code plistSha256} /
         * {@code packageSha256}; {@code runningVersion}, else {@code gatewayVersion}.
         */
        public static Restore fromFacts(Map<String, String> f) {
            return new Restore(text(f, StepFacts.STATE_ARCHIVE_SHA256), text(f, StepFacts.PLIST_SHA256_BEFORE),
                    first(f, StepFacts.PLIST_SHA256_AFTER, StepFacts.PLIST_SHA256),
                    text(f, StepFacts.PACKAGE_SHA256_BEFORE),
                    first(f, StepFacts.PACKAGE_SHA256_AFTER, StepFacts.PACKAGE_SHA256),
                    bool(f, StepFacts.PACKAGE_RESTORED_FROM_ARCHIVE),
                    first(f, StepFacts.RUNNING_VERSION, StepFacts.GATEWAY_VERSION), bool(f, StepFacts.UNFROZEN));
        }
    }

    /**
     * The report of a step of {@code kind} with these facts: {@code null} for a kind without a report, or when the
     * step recorded no facts at all (refused, or failed before it learnt anything).
     */
    static StepReport fromFacts(StepKind kind, Map<String, String> facts) {
        if (kind == null || facts == null || facts.isEmpty()) {
            return null;
        }
        return switch (kind) {
            case INVENTORY -> Inventory.fromFacts(facts);
            case SNAPSHOT -> Snapshot.fromFacts(facts);
            case INSTALL_CANDIDATE -> InstallCandidate.fromFacts(facts);
            case VALIDATE -> Validate.fromFacts(facts);
            case RESTORE -> Restore.fromFacts(facts);
            default -> null;
        };
    }

    /** The result's report; for a result without one (a worker that predates reports), lifted from its facts. */
    static StepReport of(StepResult result) {
        if (result == null) {
            return null;
        }
        return result.report() != null ? result.report() : fromFacts(result.kind(), result.facts());
    }

    private static String text(Map<String, String> f, String key) {
        String v = f.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String first(Map<String, String> f, String key, String olderKey) {
        String v = text(f, key);
        return v != null ? v : text(f, olderKey);
    }

    private static Integer integer(Map<String, String> f, String key) {
        try {
            String v = text(f, key);
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long whole(Map<String, String> f, String key) {
        try {
            String v = text(f, key);
            return v == null ? null : Long.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A comma-separated list of whole numbers ({@code lsof} lists every listening pid); null if one is not. */
    private static List<Long> wholes(Map<String, String> f, String key) {
        String v = text(f, key);
        if (v == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (String part : v.split(",")) {
            try {
                out.add(Long.valueOf(part.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return List.copyOf(out);
    }

    private static Double decimal(Map<String, String> f, String key) {
        try {
            String v = text(f, key);
            return v == null ? null : Double.valueOf(v.replace("%", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Boolean bool(Map<String, String> f, String key) {
        String v = text(f, key);
        return v == null ? null : Boolean.valueOf(v);
    }

    private static Instant instant(Map<String, String> f, String key) {
        try {
            String v = text(f, key);
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
