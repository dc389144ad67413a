package com.maclogin.cutover.security;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The static bearer tokens (the local-stack option beside JWT), kept only as SHA-256 hashes: from
 * {@code api.auth.tokens-file} (lines {@code <role> <name> <sha256-hex>}) and {@code api.auth.tokens}
 * ({@code role:name:token,...}). A presented token is hashed and compared with every entry in constant time. A service
 * with neither a static token nor a JWT verification key refuses to start.
 */
@ApplicationScoped
public class StaticTokens {

    /** Who a static token is: its name (the audit actor) and role. */
    public record Caller(String name, String role) {
    }

    record Entry(String role, String name, byte[] hash) {
    }

    public static final int MIN_TOKEN_LENGTH = 16;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final AuthConfig config;
    private volatile List<Entry> entries;

    public StaticTokens(AuthConfig config) {
        this.config = config;
    }

    void load(@Observes StartupEvent start) {
        List<Entry> all = entries();
        boolean jwt = jwtConfigured();
        if (all.isEmpty() && !jwt) {
            throw new IllegalStateException("API authentication has no way to accept a caller: set API_AUTH_TOKENS="
                    + "operator:<name>:<token> (or api.auth.tokens-file) for static tokens, or mp.jwt.verify.issuer and "
                    + "mp.jwt.verify.publickey.location (MP_JWT_VERIFY_ISSUER, MP_JWT_VERIFY_PUBLICKEY_LOCATION) for JWTs");
        }
        Log.infof("API authentication: %d static tokens (%s), JWT %s", all.size(),
                String.join(", ", all.stream().map(x -> x.name() + "=" + x.role()).toList()),
                jwt ? "verified with the configured key" : "not configured");
    }

    static boolean jwtConfigured() {
        var c = ConfigProvider.getConfig();
        return c.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent()
                || c.getOptionalValue("mp.jwt.verify.publickey", String.class).isPresent();
    }

    private List<Entry> entries() {
        List<Entry> e = entries;
        if (e == null) {
            synchronized (this) {
                if (entries == null) {
                    entries = loadEntries();
                }
                e = entries;
            }
        }
        return e;
    }

    private List<Entry> loadEntries() {
        List<Entry> all = new ArrayList<>();
        if (config.tokensFile().isPresent()) {
            Path file = config.tokensFile().get();
            try {
                all.addAll(parseFile(Files.readAllLines(file, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read api.auth.tokens-file " + file + ": " + e.getMessage(), e);
            }
        }
        config.tokens().ifPresent(t -> all.addAll(parseEnv(t)));
        return List.copyOf(all);
    }

    /** The caller a presented token belongs to; every entry is compared, in constant time per entry. */
    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 4096) {
            return Optional.empty();
        }
        byte[] presented = sha256(token);
        Entry match = null;
        for (Entry e : entries()) {
            if (MessageDigest.isEqual(presented, e.hash()) && match == null) {
                match = e;
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Caller(match.name(), match.role()));
    }

    /** Lines {@code <role> <name> <sha256-hex>}; blank lines and {@code #} comments skipped. */
    static List<Entry> parseFile(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = "tokens-file line " + (i + 1);
            if (f.length != 3) {
                throw new IllegalStateException(where + ": expected '<role> <name> <sha256-hex-of-token>'");
            }
            if (!HASH.matcher(f[2].toLowerCase(Locale.ROOT)).matches()) {
                throw new IllegalStateException(where + ": the third field must be the token's SHA-256 as 64 hex digits");
            }
            out.add(new Entry(role(f[0], where), name(f[1], where), HexFormat.of().parseHex(f[2].toLowerCase(Locale.ROOT))));
        }
        return out;
    }

    /** {@code role:name:token[,role:name:token...]}. */
    static List<Entry> parseEnv(String value) {
        List<Entry> out = new ArrayList<>();
        String[] items = value.split(",");
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) {
                continue;
            }
            String where = "API_AUTH_TOKENS entry " + (i + 1);
            String[] f = item.split(":", 3);
            if (f.length != 3) {
                throw new IllegalStateException(where + ": expected role:name:token");
            }
            if (f[2].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalStateException(where + " (" + f[1] + "): the token must be at least " + MIN_TOKEN_LENGTH
                        + " characters");
            }
            out.add(new Entry(role(f[0], where), name(f[1], where), sha256(f[2])));
        }
        return out;
    }

    private static String role(String s, String where) {
        String r = Roles.parse(s);
        if (r == null) {
            throw new IllegalStateException(where + ": unknown role '" + s + "', expected viewer, operator or admin");
        }
        return r;
    }

    private static String name(String s, String where) {
        if (!NAME.matcher(s).matches()) {
            throw new IllegalStateException(where + ": name must be letters, digits and '._@-', at most 64 characters");
        }
        return s;
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
