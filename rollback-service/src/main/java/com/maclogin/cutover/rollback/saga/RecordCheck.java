package com.maclogin.cutover.rollback.saga;

import com.maclogin.cutover.contracts.ArtifactHashes;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.rollback.CutoverRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Don't believe the message (issue 11 point 2): a breach, request or result is compared with rollback-service's own
 * record of the cutover ({@link CutoverRecord}, armed by the orchestrator). Each check answers why the message is
 * ignored, or null; a message that passes is rebuilt from the record, so a restore never uses the message's own lease,
 * versions, ticket, owner, target or hashes. Pure functions: no database, no clock.
 */
public final class RecordCheck {

    private RecordCheck() {
    }

    /**
     * Why a breach or restore request contradicts {@code r}, or null: another lease, an epoch above the known one,
     * another previous or candidate version, another expected hash. A field the message leaves out (null, an empty
     * hash map: a verification VALIDATE's breach carries no hashes) is not a contradiction; a different value is.
     * Ticket and rollback owner are not compared: the restore takes them from the record in any case.
     *
     * @param known the highest epoch of the cutover rollback-service knows: the record's, or its rollback's if higher
     */
    public static String contradiction(CutoverRecord r, long known, String leaseId, long epoch, String previousVersion,
            String candidateVersion, String ticketId, String rollbackOwner, Map<String, String> expectedSha256) {
        if (!Objects.equals(r.leaseId, leaseId)) {
            return RollbackReasons.contradicts("lease", leaseId, r.leaseId);
        }
        if (epoch > known) {
            return RollbackReasons.futureEpochRefused(epoch, known);
        }
        String p = differs("previous version", previousVersion, r.previousVersion);
        if (p == null) {
            p = differs("candidate version", candidateVersion, r.candidateVersion);
        }
        if (p == null && expectedSha256 != null) {
            Map<String, String> recorded = hashes(r);
            for (Map.Entry<String, String> e : expectedSha256.entrySet()) {
                if (!Objects.equals(e.getValue(), recorded.get(e.getKey()))) {
                    return RollbackReasons.contradicts(e.getKey() + " sha256", e.getValue(), recorded.get(e.getKey()));
                }
            }
        }
        return p;
    }

    public static String contradiction(CutoverRecord r, long known, ThresholdBreached b) {
        return contradiction(r, known, b.leaseId(), b.epoch(), b.previousVersion(), b.candidateVersion(), b.ticketId(),
                b.rollbackOwner(), b.expectedSha256());
    }

    public static String contradiction(CutoverRecord r, long known, RollbackRequested q) {
        return contradiction(r, known, q.leaseId(), q.epoch(), q.previousVersion(), q.candidateVersion(), q.ticketId(),
                q.rollbackOwner(), q.expectedSha256());
    }

    /** A step result for another lease than the record's: ignored (null when it names the record's lease). */
    public static String contradiction(CutoverRecord r, StepResult res) {
        return Objects.equals(r.leaseId, res.leaseId()) ? null : RollbackReasons.contradicts("lease", res.leaseId(),
                r.leaseId);
    }

    /** The breach as the record tells it: only cutover, epoch, trigger, action and numbers are the breach's own. */
    public static ThresholdBreached fromRecord(CutoverRecord r, ThresholdBreached b) {
        return b.toBuilder().leaseId(r.leaseId).target(target(r)).ticketId(r.ticketId)
                .previousVersion(r.previousVersion).candidateVersion(r.candidateVersion).rollbackOwner(r.rollbackOwner)
                .expectedSha256(hashes(r)).build();
    }

    /** The request as the record tells it: who asked, why and at which epoch are the request's own. */
    public static RollbackRequested fromRecord(CutoverRecord r, RollbackRequested q) {
        return q.toBuilder().leaseId(r.leaseId).target(target(r)).ticketId(r.ticketId)
                .previousVersion(r.previousVersion).candidateVersion(r.candidateVersion).rollbackOwner(r.rollbackOwner)
                .expectedSha256(hashes(r)).build();
    }

    /** Writes an ARM request onto the record (a new one when {@code r} is null); the epoch never goes down. */
    public static CutoverRecord arm(CutoverRecord r, RollbackRequested armed, java.time.Instant now) {
        CutoverRecord rec = r;
        if (rec == null) {
            rec = new CutoverRecord();
            rec.cutoverId = armed.cutoverId();
            rec.armedAt = now;
            rec.epoch = armed.epoch();
        }
        rec.leaseId = armed.leaseId();
        rec.region = armed.target() == null ? rec.region : armed.target().region();
        rec.target = armed.target() == null ? rec.target : Json.write(armed.target());
        rec.epoch = Math.max(rec.epoch, armed.epoch());
        rec.ticketId = armed.ticketId();
        rec.rollbackOwner = armed.rollbackOwner();
        rec.previousVersion = armed.previousVersion();
        rec.candidateVersion = armed.candidateVersion();
        Map<String, String> h = armed.expectedSha256() == null ? Map.of() : armed.expectedSha256();
        rec.expectedPlistSha256 = h.get(ArtifactHashes.PLIST);
        rec.expectedPackageSha256 = h.get(ArtifactHashes.PACKAGE);
        rec.expectedStateSha256 = h.get(ArtifactHashes.STATE);
        rec.expectedPackageStatSha256 = h.get(ArtifactHashes.PACKAGE_STAT);
        rec.armedMessageId = armed.messageId();
        rec.updatedAt = now;
        return rec;
    }

    public static Map<String, String> hashes(CutoverRecord r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ArtifactHashes.PLIST, r.expectedPlistSha256);
        m.put(ArtifactHashes.PACKAGE, r.expectedPackageSha256);
        m.put(ArtifactHashes.STATE, r.expectedStateSha256);
        if (r.expectedPackageStatSha256 != null) {
            m.put(ArtifactHashes.PACKAGE_STAT, r.expectedPackageStatSha256);
        }
        return m;
    }

    private static LeaseTarget target(CutoverRecord r) {
        return r.target == null ? null : Json.read(r.target, LeaseTarget.class);
    }

    private static String differs(String field, String got, String recorded) {
        return got == null || got.equals(recorded) ? null : RollbackReasons.contradicts(field, got, recorded);
    }
}
