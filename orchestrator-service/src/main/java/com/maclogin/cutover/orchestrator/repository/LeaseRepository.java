package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.orchestrator.Lease;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class LeaseRepository implements PanacheRepositoryBase<Lease, String> {

    public List<Lease> listOrdered() {
        return list("order by id");
    }
}
