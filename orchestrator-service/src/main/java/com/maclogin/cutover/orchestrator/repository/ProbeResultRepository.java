package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ProbeResultRepository implements PanacheRepositoryBase<ProbeResultRecord, Long> {

    /** Every stored probe of one VALIDATE command up to a round, in arrival order. */
    public List<ProbeResultRecord> window(String cutoverId, String commandMessageId, int upToRound) {
        return list("cutoverId = ?1 and commandMessageId = ?2 and round <= ?3 order by id", cutoverId, commandMessageId,
                upToRound);
    }

    /** Newest first. */
    public List<ProbeResultRecord> forCutover(String cutoverId, ProbeLayer layer, int limit) {
        if (layer == null) {
            return find("cutoverId = ?1 order by id desc", cutoverId).page(0, limit).list();
        }
        return find("cutoverId = ?1 and layer = ?2 order by id desc", cutoverId, layer).page(0, limit).list();
    }
}
