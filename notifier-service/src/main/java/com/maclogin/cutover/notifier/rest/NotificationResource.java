package com.maclogin.cutover.notifier.rest;

import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.notifier.service.NotificationService;
import com.maclogin.cutover.notifier.service.NotificationView;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What the notifier posted (or will post) for a cutover or a fleet. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private final NotificationService service;

    public NotificationResource(NotificationService service) {
        this.service = service;
    }

    /**
     * Notifications of one cutover ({@code ?cutover=}), of one fleet's thread ({@code ?fleet=}: its own events and
     * its leases' incidents) or a lease's health alerts ({@code ?lease=}) in the order they were created.
     */
    @GET
    public List<NotificationView> list(@QueryParam("cutover") String cutoverId, @QueryParam("fleet") String fleetId,
            @QueryParam("lease") String leaseId) {
        if (fleetId != null && !fleetId.isBlank()) {
            return service.byFleet(fleetId.trim());
        }
        if (leaseId != null && !leaseId.isBlank()) {
            return service.byLease(leaseId.trim());
        }
        if (cutoverId == null || cutoverId.isBlank()) {
            throw new BadRequestException("query parameter 'cutover', 'fleet' or 'lease' is required");
        }
        return service.byCutover(cutoverId.trim());
    }
}
