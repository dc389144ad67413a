package com.maclogin.cutover.orchestrator.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.ValidationSettings;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.BlastRadius;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.api.StepView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The cutover report ({@code GET /api/v1/cutovers/{id}/report}), the thing an operator attaches to the change ticket.
 * The JSON form is this record; the HTML form renders the same content ({@link ReportHtml}). Field names are stable;
 * {@code reportVersion} changes when one is removed or changes meaning.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CutoverReport(int reportVersion, Instant generatedAt, Header cutover, List<GateResult> gates,
        List<StepView> steps, List<Chart> charts, int probeResults, PlistDiff plistDiff, List<HashCheck> hashes,
        List<AuditView> audit) {

    public static final int VERSION = 1;

    /** Who, what, where and when. {@code durationSeconds}: createdAt to endedAt (absent while active). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Header(String id, String leaseId, Region region, String leaseHost, String leaseStage,
            CutoverState state, String reason, String previousVersion, String candidateVersion, String candidateSha256,
            String ticketId, String requestedBy, String rollbackOwner, List<Operator> operators,
            BlastRadius blastRadius, String fleetId, Integer wave, Instant createdAt, Instant startedAt,
            Instant endedAt, Long durationSeconds, ValidationSettings validation) {
    }

    /** One inventory gate's verdict (from the evidence of the step it checked). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GateResult(String gate, String verdict, String reason, String step, int attempt,
            Map<String, String> facts) {
    }

    /**
     * The plist diff FLIP_PLIST recorded ({@code diff -u} of the live plist and the candidate's), or {@code shown=false}
     * and a {@code note} saying why there is none.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlistDiff(boolean shown, String source, String text, String note) {
    }

    /**
     * One hash of the chain inventory → SNAPSHOT → candidate → restore. {@code status}: {@code MATCH},
     * {@code MISMATCH}, {@code EXPECTED_ONLY} (nothing observed in this cutover's steps) or {@code OBSERVED_ONLY}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HashCheck(String name, String expected, String expectedFrom, String observed, String observedFrom,
            String status) {
    }
}
