package com.maclogin.cutover.notifier.rest;

import com.maclogin.cutover.notifier.service.NotificationService;
import com.maclogin.cutover.notifier.service.NotificationView;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What the notifier posted (or will post) for a cutover. */
@Path("/api/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private final NotificationService service;

    public NotificationResource(NotificationService service) {
        this.service = service;
    }

    /** Notifications of one cutover in the order they were created. */
    @GET
    public List<NotificationView> list(@QueryParam("cutover") String cutoverId) {
        if (cutoverId == null || cutoverId.isBlank()) {
            throw new BadRequestException("query parameter 'cutover' is required");
        }
        return service.byCutover(cutoverId.trim());
    }
}
