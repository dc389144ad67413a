package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ProbeResultRepository implements PanacheRepositoryBase<ProbeResultRecord, Long> {

    /** Newest first. */
    public List<ProbeResultRecord> forCutover(String cutoverId, ProbeLayer layer, int limit) {
        if (layer == null) {
            return find("cutoverId = ?1 order by id desc", cutoverId).page(0, limit).list();
        }
        return find("cutoverId = ?1 and layer = ?2 order by id desc", cutoverId, layer).page(0, limit).list();
    }
}
