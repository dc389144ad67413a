package com.maclogin.cutover.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * No default database password (issue 11): the three services' {@code quarkus.datasource.password} is
 * {@code ${DB_PASSWORD}} with no fallback, and this required injection point makes a missing one stop the start with
 * Quarkus's own message naming the property and {@code DB_PASSWORD} (the datasource alone would treat it as unset and
 * try to log in without a password).
 */
@Startup
@ApplicationScoped
public class DatabasePasswordRequired {

    DatabasePasswordRequired(@ConfigProperty(name = "quarkus.datasource.password") String password) {
        if (password.isBlank()) {
            throw new IllegalStateException("quarkus.datasource.password (DB_PASSWORD) is empty: set the service's "
                    + "database password");
        }
    }
}
