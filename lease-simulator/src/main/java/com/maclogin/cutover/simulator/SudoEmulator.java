package com.maclogin.cutover.simulator;

import com.maclogin.cutover.contracts.ProbeGrant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sudo} on a lease, strict like the real one, for the one thing a lease needs it for: the probe account's
 * read of the gateway's launchd state ({@link ProbeGrant}). The policy is the lease's sudoers rule file
 * ({@code <stateDir>/<leaseId>/sudoers.d/<probe user>}, what {@code /etc/sudoers.d/<probe user>} holds on a Mac),
 * read at every call, so an edit or the fault switch {@link FaultSwitch#PROBE_GRANT_REMOVED} takes effect at once.
 *
 * <p>Root may run any emulated command as anyone. Anyone else needs a rule that names them, the target user (in the
 * run-as list), the command by its full path and, when the rule lists arguments, exactly those arguments; and
 * {@code NOPASSWD:}, because no password is ever typed here. Otherwise sudo answers as it does on macOS and Debian:
 * {@code sudo: a password is required} with exit 1 under {@code -n} (what a user whose only rule is for another
 * command gets too, e.g. jorangreef/sudo-prompt#58 on OS X 10.11), and without {@code -n}, having no terminal,
 * {@code sudo: a terminal is required to read the password; ...} first. An unknown target user:
 * {@code sudo: unknown user: <u>} / {@code sudo: unable to initialize policy plugin}, exit 1 (a macOS transcript).
 *
 * <p>Emulated: the options {@code -n}, {@code -u <user>} ({@code -u<user>}, {@code --user=<user>}, {@code #<uid>}),
 * {@code -H}, {@code -E}, {@code --}; rules of the form {@code <user> <host>=(<runas>[,<runas>...]) [NOPASSWD:]
 * <full path> [args]} (one command per rule, no wildcards, no aliases, no {@code Defaults}); and only
 * {@code /bin/launchctl} as the command (other commands: {@code sudo: <cmd>: command not found}). launchd then sees
 * the target user as the caller, so {@code gui/<uid>} answers as it would that user.
 */
final class SudoEmulator {

    private static final Logger LOG = LoggerFactory.getLogger(SudoEmulator.class);
    static final String PASSWORD_REQUIRED = "sudo: a password is required\n";
    static final String NO_TERMINAL = "sudo: a terminal is required to read the password; either use the -S option to "
            + "read from standard input or configure an askpass helper\n";
    private static final String USAGE = "usage: sudo -h | -K | -k | -V\n"
            + "usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\n"
            + "usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]\n"
            + "usage: sudo [-ABbEHkNnPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] "
            + "[-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]\n";
    private static final Pattern RULE = Pattern.compile(
            "^(\\S+)\\s+(\\S+?)\\s*=\\s*(?:\\(([^)]*)\\))?\\s*((?:(?:NOPASSWD|PASSWD|SETENV|NOSETENV|NOEXEC|EXEC)\\s*:\\s*)*)"
                    + "(/\\S+)(?:\\s+(.*))?$");

    /** One rule of the file. {@code args} null = any arguments; empty = none. */
    record Rule(String user, List<String> runAs, boolean noPassword, String command, String args) {

        boolean permits(String caller, String target, String cmd, List<String> argv) {
            if (!user.equals(caller) && !user.equals("ALL")) {
                return false;
            }
            if (!runAs.contains(target) && !runAs.contains("ALL")) {
                return false;
            }
            if (!command.equals(cmd)) {
                return false;
            }
            return args == null || args.equals(String.join(" ", argv));
        }
    }

    private final String leaseId;
    private final Path rulesFile;
    private final String grantLine;
    private final LaunchdEmulator launchd;
    /** login name to uid: root, the lease's own account, the probe account. */
    private final Map<String, Integer> users;

    SudoEmulator(String leaseId, Path rulesFile, String grantLine, LaunchdEmulator launchd, Map<String, Integer> users) {
        this.leaseId = leaseId;
        this.rulesFile = rulesFile;
        this.grantLine = grantLine;
        this.launchd = launchd;
        this.users = Map.copyOf(users);
    }

    /**
     * The probe account's grant for a lease: {@link ProbeGrant#sudoersLine}, or null when the names cannot be put
     * into a rule (a simulator user that is not a POSIX login name).
     */
    static String grantLine(String probeUser, String gatewayUser, int gatewayUid) {
        try {
            return ProbeGrant.sudoersLine(probeUser, gatewayUser, Integer.toString(gatewayUid));
        } catch (IllegalArgumentException e) {
            LOG.warn("no sudoers grant for probe account {}: {}", probeUser, e.getMessage());
            return null;
        }
    }

    Path rulesFile() {
        return rulesFile;
    }

    /** Writes the rule file with the probe account's grant ({@code granted}) or with it commented out. */
    synchronized void writeGrant(boolean granted) throws IOException {
        StringBuilder s = new StringBuilder("# lease-simulator: the sudoers rules of lease ").append(leaseId)
                .append(" (what /etc/sudoers.d/ holds on a Mac); read at every sudo\n");
        if (grantLine == null) {
            s.append("# no grant: the simulator's user is not a POSIX login name\n");
        } else if (granted) {
            s.append(grantLine).append('\n');
        } else {
            s.append("# removed by the fault switch ").append(FaultSwitch.PROBE_GRANT_REMOVED).append(":\n# ")
                    .append(grantLine).append('\n');
        }
        Files.createDirectories(rulesFile.getParent());
        Path tmp = rulesFile.resolveSibling(rulesFile.getFileName() + ".tmp");
        Files.writeString(tmp, s.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, rulesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The rules of the file now; lines that are not rules of the emulated form are ignored (and logged). */
    List<Rule> rules() {
        List<String> lines;
        try {
            lines = Files.exists(rulesFile) ? Files.readAllLines(rulesFile) : List.of();
        } catch (IOException e) {
            LOG.warn("lease {}: cannot read {}: {}", leaseId, rulesFile, e.getMessage());
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        for (String line : lines) {
            Rule r = parse(line);
            if (r != null) {
                out.add(r);
            } else if (!line.isBlank() && !line.trim().startsWith("#")) {
                LOG.warn("lease {}: sudoers line not understood, ignored: {}", leaseId, line);
            }
        }
        return out;
    }

    /** One sudoers line as a {@link Rule}, or null for a comment, a blank line or a form this emulation lacks. */
    static Rule parse(String line) {
        String l = line.trim();
        if (l.isEmpty() || l.startsWith("#")) {
            return null;
        }
        Matcher m = RULE.matcher(l);
        if (!m.matches()) {
            return null;
        }
        List<String> runAs = new ArrayList<>();
        if (m.group(3) == null) {
            runAs.add("root");
        } else {
            for (String r : m.group(3).split(",")) {
                String u = r.trim();
                int colon = u.indexOf(':');
                runAs.add(colon >= 0 ? u.substring(0, colon).trim() : u);
            }
        }
        boolean noPassword = false;
        for (String tag : m.group(4).split(":")) {
            String t = tag.trim();
            if (t.equals("NOPASSWD")) {
                noPassword = true;
            } else if (t.equals("PASSWD")) {
                noPassword = false;
            }
        }
        String args = m.group(6) == null ? null : m.group(6).trim();
        if ("\"\"".equals(args)) {
            args = "";
        }
        if (args != null && args.contains(",")) {
            return null; // a list of commands: not emulated
        }
        return new Rule(m.group(1), List.copyOf(runAs), noPassword, m.group(5), args);
    }

    /** {@code sudo argv...} run by {@code caller} in {@code cwd}. */
    CommandResult run(Path cwd, List<String> argv, Caller caller) {
        boolean nonInteractive = false;
        String target = "root";
        int i = 0;
        options:
        while (i < argv.size()) {
            String a = argv.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (a.equals("--non-interactive")) {
                nonInteractive = true;
            } else if (a.startsWith("--user=")) {
                target = a.substring("--user=".length());
            } else if (a.equals("--user")) {
                if (i + 1 >= argv.size()) {
                    return CommandResult.fail(1, "sudo: option requires an argument -- 'user'\n" + USAGE);
                }
                target = argv.get(++i);
            } else if (a.equals("--preserve-env") || a.equals("--set-home")) {
                // accepted, no effect here
            } else if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    switch (c) {
                        case 'n' -> nonInteractive = true;
                        case 'H', 'E' -> { }
                        case 'u' -> {
                            if (k + 1 < a.length()) {
                                target = a.substring(k + 1);
                            } else if (i + 1 < argv.size()) {
                                target = argv.get(++i);
                            } else {
                                return CommandResult.fail(1, "sudo: option requires an argument -- 'u'\n" + USAGE);
                            }
                            i++;
                            continue options;
                        }
                        default -> {
                            return CommandResult.fail(1, "sudo: invalid option -- '" + c + "'\n" + USAGE
                                    + "(lease-simulator emulates sudo -n -u <user> [-H] [-E] /bin/launchctl ...)\n");
                        }
                    }
                }
            } else if (a.startsWith("-")) {
                return CommandResult.fail(1, "sudo: unrecognized option '" + a + "'\n" + USAGE);
            } else {
                break;
            }
            i++;
        }
        if (i >= argv.size()) {
            return CommandResult.fail(1, USAGE);
        }
        Integer targetUid = uidOf(target);
        if (targetUid == null) {
            return CommandResult.fail(1, "sudo: unknown user: " + target + "\nsudo: unable to initialize policy plugin\n");
        }
        String targetName = target.startsWith("#") ? nameOf(targetUid) : target;
        String invoked = argv.get(i);
        List<String> args = argv.subList(i + 1, argv.size());
        // sudo resolves a bare name through PATH; on a Mac launchctl is /bin/launchctl (here a shim in ~/.sim/bin)
        String command = invoked.equals("launchctl") ? ProbeGrant.LAUNCHCTL : invoked;
        if (!caller.isRoot()) {
            String who = caller.name();
            Rule rule = rules().stream().filter(r -> r.permits(who, targetName, command, args)).findFirst().orElse(null);
            if (rule == null || !rule.noPassword()) {
                LOG.info("lease {}: sudo refused for {} (uid {}): -u {} {} {}", leaseId, who, caller.uid(), targetName,
                        command, args);
                return CommandResult.fail(1, (nonInteractive ? "" : NO_TERMINAL) + PASSWORD_REQUIRED);
            }
        }
        if (!command.equals(ProbeGrant.LAUNCHCTL)) {
            return CommandResult.fail(1, "sudo: " + invoked + ": command not found\n"
                    + "(lease-simulator emulates sudo only for " + ProbeGrant.LAUNCHCTL + ")\n");
        }
        return launchd.launchctl(cwd, args, new Caller(targetUid, targetName));
    }

    private Integer uidOf(String user) {
        if (user.startsWith("#")) {
            String n = user.substring(1);
            return n.matches("\\d{1,10}") ? Integer.valueOf(n) : null;
        }
        if (user.equals("root")) {
            return 0;
        }
        return users.get(user);
    }

    private String nameOf(int uid) {
        if (uid == 0) {
            return "root";
        }
        return users.entrySet().stream().filter(e -> e.getValue() == uid).map(Map.Entry::getKey).findFirst()
                .orElse("#" + uid);
    }
}
