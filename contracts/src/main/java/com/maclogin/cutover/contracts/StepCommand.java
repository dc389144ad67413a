package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * What one {@link RunStep} asks the worker to do: one record per {@link StepKind}, each with exactly the fields that
 * step needs. The worker checks every value again ({@link Validation}) and refuses a command that lacks a required
 * one or whose kind is not the {@link RunStep#kind()} it travels in.
 *
 * <p>On the wire the command is an object whose {@code kind} property names the record, e.g.
 * {@code "command":{"kind":"FLIP_PLIST","candidateVersion":"2026.9.6"}}. A command of a kind this build does not
 * know, or one without {@code kind}, reads as {@code null} (the worker then refuses the step) instead of making the
 * whole message unreadable.
 *
 * <p>Adding a step kind: a constant in {@link StepKind}, a record here (in {@code permits} and
 * {@link JsonSubTypes}), its schema in {@code asyncapi.yaml} (AsyncApiDriftTest fails until it is there), a handler
 * in probe-service.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind",
        defaultImpl = Void.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = StepCommand.Inventory.class, name = "INVENTORY"),
        @JsonSubTypes.Type(value = StepCommand.Freeze.class, name = "FREEZE"),
        @JsonSubTypes.Type(value = StepCommand.Snapshot.class, name = "SNAPSHOT"),
        @JsonSubTypes.Type(value = StepCommand.InstallCandidate.class, name = "INSTALL_CANDIDATE"),
        @JsonSubTypes.Type(value = StepCommand.ParallelRun.class, name = "PARALLEL_RUN"),
        @JsonSubTypes.Type(value = StepCommand.FlipPlist.class, name = "FLIP_PLIST"),
        @JsonSubTypes.Type(value = StepCommand.Reload.class, name = "RELOAD"),
        @JsonSubTypes.Type(value = StepCommand.Validate.class, name = "VALIDATE"),
        @JsonSubTypes.Type(value = StepCommand.Restore.class, name = "RESTORE"),
        @JsonSubTypes.Type(value = StepCommand.Unfreeze.class, name = "UNFREEZE")})
public sealed interface StepCommand {

    /** The step this command is for; on the wire, the command's {@code kind} property. */
    StepKind kind();

    /** INVENTORY reads the lease and changes nothing: it needs nothing beyond the envelope and the target. */
    record Inventory() implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.INVENTORY;
        }
    }

    /**
     * FREEZE writes the freeze marker.
     *
     * @param ticketId change ticket written into the marker; optional
     * @param tag      release tag {@code oc-cutover-YYYYMMDD}; optional (the worker then uses today's date)
     */
    record Freeze(String ticketId, String tag) implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.FREEZE;
        }
    }

    /** SNAPSHOT builds the rollback kit from what is on the lease: it needs nothing beyond the envelope. */
    record Snapshot() implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.SNAPSHOT;
        }
    }

    /**
     * INSTALL_CANDIDATE installs the candidate side by side.
     *
     * @param candidateVersion version to install
     * @param tarballSha256    sha256 of {@code openclaw-<candidateVersion>.tgz}; when given, the worker verifies the
     *                         {@code npm pack} output against it before installing anything; optional
     */
    record InstallCandidate(String candidateVersion, String tarballSha256) implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.INSTALL_CANDIDATE;
        }
    }

    /**
     * PARALLEL_RUN runs the installed candidate beside production on an alternate port, probes it, stops it.
     *
     * @param candidateVersion    the installed candidate to run
     * @param canary              port and window; required
     * @param probeIntervalMillis interval between canary probes; optional (the worker's configured interval)
     */
    record ParallelRun(String candidateVersion, CanaryPlan canary, Integer probeIntervalMillis)
            implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.PARALLEL_RUN;
        }
    }

    /** FLIP_PLIST points the plist at the installed {@code candidateVersion}. */
    record FlipPlist(String candidateVersion) implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.FLIP_PLIST;
        }
    }

    /**
     * RELOAD boots the gateway out and in again.
     *
     * @param candidateVersion when given, {@code /startupz} must report it afterwards; optional
     */
    record Reload(String candidateVersion) implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.RELOAD;
        }
    }

    /**
     * VALIDATE runs the validation window. Besides the window it carries the restore context a breach it raises
     * ({@link ThresholdBreached}) must hold, so rollback-service can restore without asking anyone.
     *
     * @param candidateVersion    the version under validation; {@code null} when validating a rollback
     * @param previousVersion     the version a rollback restores
     * @param ticketId            change ticket
     * @param expectedSha256      hashes by artifact ({@link ArtifactHashes})
     * @param validationSeconds   window length without a probe plan; optional (the worker's default)
     * @param probeIntervalMillis probe interval without a probe plan; optional (the worker's default)
     * @param probePlan           the probe matrix and trigger rules; {@code null} for a plain health check
     */
    record Validate(String candidateVersion, String previousVersion, String ticketId,
            Map<String, String> expectedSha256, Integer validationSeconds, Integer probeIntervalMillis,
            ProbePlan probePlan) implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.VALIDATE;
        }
    }

    /**
     * RESTORE puts the rollback kit back and verifies every artifact against the hashes.
     *
     * @param previousVersion the version {@code /startupz} must report after the restore
     * @param expectedSha256  {@link ArtifactHashes#PLIST} and {@link ArtifactHashes#PACKAGE} (inventory gate),
     *                        {@link ArtifactHashes#STATE} (SNAPSHOT's state archive); all three required
     */
    record Restore(String previousVersion, Map<String, String> expectedSha256) implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.RESTORE;
        }
    }

    /** UNFREEZE lifts this cutover's freeze marker (and stops a canary it left): nothing beyond the envelope. */
    record Unfreeze() implements StepCommand {
        @Override
        public StepKind kind() {
            return StepKind.UNFREEZE;
        }
    }
}
