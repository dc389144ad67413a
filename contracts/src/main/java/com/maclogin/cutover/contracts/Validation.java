package com.maclogin.cutover.contracts;

import java.util.regex.Pattern;

/**
 * Allow-lists for every value that can reach a lease. The orchestrator answers 400 when a request breaks one; the
 * worker checks again and refuses the command. Each method returns {@code null} when the value is acceptable, or
 * the reason it is not.
 */
public final class Validation {

    /** Lease ids: lower-case letters, digits and dashes, 2 to 63 characters, starting with a letter or digit. */
    public static final Pattern LEASE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** OpenClaw calendar versions ({@code 2026.9.6}, {@code 2026.7.1-2}) and plain semver ({@code 1.2.3-rc.1}). */
    public static final Pattern VERSION = Pattern.compile("(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,4})(-[0-9A-Za-z]+(\\.[0-9A-Za-z]+){0,3})?");
    /** Ticket ids such as {@code CHG-1234} or {@code OPS_77}. */
    public static final Pattern TICKET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** POSIX user names. */
    public static final Pattern SSH_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    /** Host names and IPv4 literals. */
    public static final Pattern HOST = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    /** An OpenSSH public key line: algorithm and base64 body, no comment. */
    public static final Pattern HOST_KEY = Pattern.compile("(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|rsa-sha2-256|rsa-sha2-512|ssh-rsa) [A-Za-z0-9+/]{16,1024}={0,3}");
    /** Labels: channel names, model names, cron schedules and operator names in the blast radius. */
    public static final Pattern LABEL = Pattern.compile("[A-Za-z0-9#@][A-Za-z0-9 #@._:/*,-]{0,79}");
    /** Hex SHA-256. */
    public static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Validation() {
    }

    public static String leaseId(String v) {
        return check(v, LEASE_ID, "lease id", "lower-case letters, digits and '-', 2-63 characters");
    }

    public static String version(String v) {
        return check(v, VERSION, "version", "a calendar or semantic version such as 2026.9.6 or 1.2.3-rc.1");
    }

    public static String ticketId(String v) {
        return check(v, TICKET_ID, "ticket id", "letters, digits, '.', '_' and '-', at most 64 characters");
    }

    public static String sshUser(String v) {
        return check(v, SSH_USER, "SSH user", "a POSIX user name");
    }

    /** The probe account of a lease: the same allow-list as {@link #sshUser}. */
    public static String probeUser(String v) {
        return check(v, SSH_USER, "probe user", "a POSIX user name");
    }

    public static String host(String v) {
        return check(v, HOST, "host", "a host name or IPv4 address");
    }

    public static String hostKey(String v) {
        return check(v, HOST_KEY, "host key", "an OpenSSH public key line 'ssh-ed25519 AAAA...' without comment");
    }

    public static String label(String v) {
        return check(v, LABEL, "label", "letters, digits, spaces and '#@._:/*,-', at most 80 characters");
    }

    public static String sha256(String v) {
        return check(v, SHA256, "sha256", "64 lower-case hex digits");
    }

    public static String port(int port) {
        return port >= 1 && port <= 65535 ? null : "port " + port + " is outside 1-65535";
    }

    private static String check(String v, Pattern p, String what, String expected) {
        if (v == null || v.isEmpty()) {
            return what + " is required";
        }
        if (v.length() > 2048) {
            return what + " is too long";
        }
        if (!p.matcher(v).matches()) {
            return what + " '" + printable(v) + "' is not valid: expected " + expected;
        }
        return null;
    }

    /** Echoes bad input back safely: control and non-ASCII characters are escaped, length is capped. */
    public static String printable(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length() && sb.length() < 80; i++) {
            char c = v.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\'') {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        if (v.length() > 80) {
            sb.append("...");
        }
        return sb.toString();
    }
}
