package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.orchestrator.api.MeView;
import com.maclogin.cutover.orchestrator.service.ApiTokens;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the current request (null when authentication is switched off). */
@RequestScoped
public class RequestCaller {

    private ApiTokens.Caller caller;

    void set(ApiTokens.Caller caller) {
        this.caller = caller;
    }

    /** The audit actor: the token's name, or null without authentication. */
    public String name() {
        return caller == null ? null : caller.name();
    }

    /** The caller as {@code /api/v1/me} shows it; without authentication an anonymous operator. */
    public MeView view() {
        return caller == null ? new MeView("anonymous", ApiTokens.Role.OPERATOR.name())
                : new MeView(caller.name(), caller.role().name());
    }
}
