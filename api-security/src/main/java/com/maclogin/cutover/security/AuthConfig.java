package com.maclogin.cutover.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Authentication of a service's HTTP API (/api/*). JWT bearer tokens are verified with SmallRye JWT's own keys
 * ({@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.publickey.location}); the static tokens here are the local-stack
 * option. A service without either refuses to start.
 */
@ConfigMapping(prefix = "api.auth")
public interface AuthConfig {

    /** Static tokens as {@code role:name:token[,role:name:token...]}; set through {@code API_AUTH_TOKENS}, never in a file in git. */
    Optional<String> tokens();

    /** File of static tokens, one per line: {@code <role> <name> <sha256-hex-of-token>} ({@code #} comments). */
    Optional<Path> tokensFile();

    /** Slow-down of repeated failed authentications from one address. */
    Failures failures();

    interface Failures {
        /** Failed authentications (401) from one address within {@link #window()} before further requests get 429. */
        @WithDefault("10")
        int limit();

        /** The window the failures are counted in; also the longest {@code Retry-After}. */
        @WithDefault("PT1M")
        Duration window();
    }
}
