package com.maclogin.cutover.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a static token into an identity: the token's name as principal, its role (the hierarchy is added later). */
@ApplicationScoped
public class StaticTokenIdentityProvider implements IdentityProvider<StaticTokenRequest> {

    private final StaticTokens tokens;

    public StaticTokenIdentityProvider(StaticTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<StaticTokenRequest> getRequestType() {
        return StaticTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(StaticTokenRequest request, AuthenticationRequestContext context) {
        return tokens.authenticate(request.token())
                .<Uni<SecurityIdentity>>map(c -> Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(c.name()))
                        .addRole(c.role())
                        .addAttribute(CurrentCaller.MECHANISM, "static-token")
                        .build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("not a static token")));
    }
}
