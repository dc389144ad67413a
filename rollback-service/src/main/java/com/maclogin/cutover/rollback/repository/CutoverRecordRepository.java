package com.maclogin.cutover.rollback.repository;

import com.maclogin.cutover.rollback.CutoverRecord;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/** rollback-service's records of the cutovers it may have to roll back, by cutover id. */
@ApplicationScoped
public class CutoverRecordRepository implements PanacheRepositoryBase<CutoverRecord, String> {
}
