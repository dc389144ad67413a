package com.maclogin.cutover.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/**
 * The authenticated caller of the current request: the audit actor is the static token's name or the JWT's
 * {@code preferred_username} (else {@code sub}); the role is the highest of viewer, operator, admin it holds.
 */
@RequestScoped
public class CurrentCaller {

    /** Identity attribute naming the mechanism that authenticated the caller. */
    public static final String MECHANISM = "cutover.auth.mechanism";

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The audit actor, or null for an anonymous caller. */
    public String name() {
        return identity.isAnonymous() ? null : identity.getPrincipal().getName();
    }

    /** {@code viewer}, {@code operator} or {@code admin}; null for an anonymous caller or one with none of them. */
    public String role() {
        return identity.isAnonymous() ? null : Roles.highest(identity.getRoles());
    }

    public boolean has(String role) {
        return identity.hasRole(role);
    }
}
