package com.maclogin.cutover.testing;

import io.smallrye.jwt.build.Jwt;
import java.time.Duration;
import java.util.Set;

/**
 * Signed JWT bearer tokens for API tests: RS256 with {@code test-jwt/private-key.pem} (test only), issuer
 * {@link #ISSUER}; a service under test verifies them with {@code mp.jwt.verify.publickey.location=test-jwt/public-key.pem}
 * and {@code mp.jwt.verify.issuer=https://issuer.cutover.test}.
 */
public final class TestJwt {

    public static final String ISSUER = "https://issuer.cutover.test";

    private TestJwt() {
    }

    /** A token for {@code user} ({@code preferred_username}) with the given groups, valid for 5 minutes. */
    public static String token(String user, String... groups) {
        return Jwt.issuer(ISSUER).subject("sub-" + user).preferredUserName(user).groups(Set.of(groups))
                .expiresIn(Duration.ofMinutes(5)).jws().keyId("test").sign("test-jwt/private-key.pem");
    }

    /** The same claims, signed by the right key but naming another issuer. */
    public static String tokenFromIssuer(String issuer, String user, String... groups) {
        return Jwt.issuer(issuer).subject("sub-" + user).preferredUserName(user).groups(Set.of(groups))
                .expiresIn(Duration.ofMinutes(5)).jws().keyId("test").sign("test-jwt/private-key.pem");
    }
}
