package com.maclogin.cutover.orchestrator.rest;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The dashboard's deep links ({@code /cutovers/<id>}, {@code /fleet-cutovers/<id>}: what chat messages link to) serve its one
 * page, {@code META-INF/resources/index.html}, which reads the id from the address. Static files need no token; the
 * page asks for one and sends it with every API call.
 */
@ApplicationScoped
public class DashboardRoutes {

    void routes(@Observes Router router) {
        router.routeWithRegex(HttpMethod.GET, "/(cutovers|fleet-cutovers)/[A-Za-z0-9._-]{1,64}/?").order(-100)
                .handler(rc -> rc.reroute("/index.html"));
    }
}
