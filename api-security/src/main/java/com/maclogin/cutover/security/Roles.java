package com.maclogin.cutover.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The API roles, each including the ones below it: {@code admin} ⊇ {@code operator} ⊇ {@code viewer}. Viewers read,
 * operators act on cutovers and fleets, admins also register and change leases.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    /** Lowest first. */
    public static final List<String> ORDERED = List.of(VIEWER, OPERATOR, ADMIN);

    private Roles() {
    }

    /** The role and every role below it; an unknown role alone. */
    public static Set<String> implied(String role) {
        return switch (role) {
            case ADMIN -> Set.of(ADMIN, OPERATOR, VIEWER);
            case OPERATOR -> Set.of(OPERATOR, VIEWER);
            default -> Set.of(role);
        };
    }

    /** The highest of our roles among {@code roles}, or null when it holds none of them. */
    public static String highest(Set<String> roles) {
        for (int i = ORDERED.size() - 1; i >= 0; i--) {
            if (roles.contains(ORDERED.get(i))) {
                return ORDERED.get(i);
            }
        }
        return null;
    }

    /** {@code viewer}, {@code operator} or {@code admin} in any case, else null. */
    public static String parse(String s) {
        String r = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return ORDERED.contains(r) ? r : null;
    }
}
