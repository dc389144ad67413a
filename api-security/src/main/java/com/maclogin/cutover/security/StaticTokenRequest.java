package com.maclogin.cutover.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token presented to {@link StaticTokenIdentityProvider}. */
public class StaticTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    public StaticTokenRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return "StaticTokenRequest[token withheld]";
    }
}
