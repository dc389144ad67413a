package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every command that calls the API: global options, credentials, output helpers. */
abstract class ApiCommand implements Callable<Integer>, HasGlobals {

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public GlobalOptions globals() {
        return global;
    }

    CutoverCli.Env env() {
        return ((CutoverCli) spec.root().userObject()).env;
    }

    PrintWriter out() {
        return env().out();
    }

    /** The nearest value of a global option: this command's, then its parents'. */
    private <T> T nearest(java.util.function.Function<GlobalOptions, T> get) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof HasGlobals h && h.globals() != null) {
                T v = get.apply(h.globals());
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    boolean json() {
        return Boolean.TRUE.equals(nearest(g -> g.json));
    }

    Credentials credentials() {
        try {
            Path tokenFile = nearest(g -> g.tokenFile);
            return Credentials.resolve(nearest(g -> g.token), tokenFile, Boolean.TRUE.equals(nearest(g -> g.viewer)),
                    nearest(g -> g.url), env().variables(), env().cwd(), env().home());
        } catch (Credentials.BadTokenFile e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    Api api() {
        Credentials c = credentials();
        return new Api(c.url(), c.token());
    }

    /** Pretty JSON of an API answer. */
    void printJson(JsonNode n) {
        try {
            out().println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encodes a path parameter the API would refuse anyway, so a stray '/' or '?' cannot change the path. */
    static String id(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
    }
}
