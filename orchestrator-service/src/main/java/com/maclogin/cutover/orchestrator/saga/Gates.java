package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.ProbeGrant;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.orchestrator.LeaseStage;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.api.Operator;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pre-cutover inventory gates of the playbook, as pure functions over the INVENTORY facts. Each returns PASSED or
 * FAILED with a reason and the facts it used.
 */
public final class Gates {

    public static final String NODE_MAJOR_LOCK = "NODE_MAJOR_LOCK";
    public static final String PORT_MAP = "PORT_MAP";
    public static final String ARTIFACT_HASHES = "ARTIFACT_HASHES";
    public static final String OPERATOR_ROSTER = "OPERATOR_ROSTER";
    public static final String DISK = "DISK";
    public static final String PREVIOUS_VERSION = "PREVIOUS_VERSION";
    /** The probe account reads the gateway's launchd state the way the PROCESS probe will (issue 10). */
    public static final String PROBE_LAUNCHD_READ = "PROBE_LAUNCHD_READ";
    /** After INSTALL_CANDIDATE: the plist's node satisfies the candidate's {@code engines.node}. */
    public static final String CANDIDATE_ENGINES = "CANDIDATE_ENGINES";

    public static final int PORT_RANGE_LOW = 18000;
    public static final int PORT_RANGE_HIGH = 19999;
    public static final double MIN_DISK_FREE_PERCENT = 10.0;
    public static final int MIN_OPERATORS = 2;

    private static final Pattern NODE_MAJOR = Pattern.compile("v?(\\d+)\\..*");

    private Gates() {
    }

    /** What the gates look at. */
    public record Input(Map<String, String> facts, int registeredGatewayPort, List<Operator> operators,
            LocalDate referenceDay) {
    }

    public static List<GateVerdict> evaluate(Input in) {
        return List.of(
                nodeMajorLock(in.facts()),
                portMap(in.facts(), in.registeredGatewayPort()),
                artifactHashes(in.facts()),
                operatorRoster(in.operators(), in.referenceDay()),
                disk(in.facts()),
                previousVersion(in.facts()),
                probeLaunchdRead(in.facts()));
    }

    public static GateVerdict nodeMajorLock(Map<String, String> facts) {
        Map<String, String> used = pick(facts, "loginNodeVersion", "plistNodeVersion", "enginesNode");
        used.put("candidateEngines", "not checked: the candidate's engines.node is only known after install");
        Integer login = major(facts.get("loginNodeVersion"));
        Integer plist = major(facts.get("plistNodeVersion"));
        if (login == null || plist == null) {
            return GateVerdict.fail(NODE_MAJOR_LOCK, "node version unreadable: login shell '" + facts.get("loginNodeVersion")
                    + "', plist '" + facts.get("plistNodeVersion") + "'", used);
        }
        if (!login.equals(plist)) {
            return GateVerdict.fail(NODE_MAJOR_LOCK, "login shell runs node major " + login
                    + " but the plist pins node major " + plist, used);
        }
        return GateVerdict.pass(NODE_MAJOR_LOCK, "login shell and plist both run node major " + login
                + "; candidate engines.node not checked before install", used);
    }

    public static GateVerdict portMap(Map<String, String> facts, int registeredGatewayPort) {
        Map<String, String> used = pick(facts, "gatewayPort", "gatewayPid", "listeningPid");
        used.put("registeredGatewayPort", String.valueOf(registeredGatewayPort));
        Integer port = integer(facts.get("gatewayPort"));
        String gatewayPid = facts.get("gatewayPid");
        String listeningPid = facts.get("listeningPid");
        if (port == null) {
            return GateVerdict.fail(PORT_MAP, "gateway port unreadable: '" + facts.get("gatewayPort") + "'", used);
        }
        if (gatewayPid == null || gatewayPid.isBlank() || !gatewayPid.equals(listeningPid)) {
            return GateVerdict.fail(PORT_MAP, "port " + port + " is held by pid " + listeningPid
                    + ", not by the gateway's pid " + gatewayPid, used);
        }
        boolean inRange = port >= PORT_RANGE_LOW && port <= PORT_RANGE_HIGH;
        if (!inRange && port != registeredGatewayPort) {
            return GateVerdict.fail(PORT_MAP, "port " + port + " is outside " + PORT_RANGE_LOW + "-" + PORT_RANGE_HIGH
                    + " and is not the lease's registered port " + registeredGatewayPort, used);
        }
        return GateVerdict.pass(PORT_MAP, "gateway pid " + gatewayPid + " listens on port " + port, used);
    }

    public static GateVerdict artifactHashes(Map<String, String> facts) {
        Map<String, String> used = pick(facts, "plistSha256", "packageSha256");
        List<String> bad = new ArrayList<>();
        for (String k : List.of("plistSha256", "packageSha256")) {
            if (Validation.sha256(facts.get(k)) != null) {
                bad.add(k);
            }
        }
        if (!bad.isEmpty()) {
            return GateVerdict.fail(ARTIFACT_HASHES, "missing or malformed SHA-256: " + String.join(", ", bad), used);
        }
        return GateVerdict.pass(ARTIFACT_HASHES, "plist and package hashes recorded", used);
    }

    public static GateVerdict operatorRoster(List<Operator> operators, LocalDate referenceDay) {
        Map<String, String> used = new LinkedHashMap<>();
        List<ZoneId> zones = new ArrayList<>();
        long owners = 0;
        List<Operator> ops = operators == null ? List.of() : operators;
        for (Operator o : ops) {
            used.put("operator:" + o.name(), o.timeZone() + (o.isRollbackOwner() ? " (rollback owner)" : ""));
            try {
                zones.add(ZoneId.of(o.timeZone()));
            } catch (RuntimeException e) {
                return GateVerdict.fail(OPERATOR_ROSTER, "operator " + o.name() + " has an unknown time zone", used);
            }
            if (o.isRollbackOwner()) {
                owners++;
            }
        }
        LocalDate day = RosterCoverage.weekdayOnOrAfter(referenceDay);
        used.put("referenceDay", day.toString());
        if (ops.size() < MIN_OPERATORS) {
            return GateVerdict.fail(OPERATOR_ROSTER, "at least " + MIN_OPERATORS + " operators are required, got " + ops.size(), used);
        }
        if (owners != 1) {
            return GateVerdict.fail(OPERATOR_ROSTER, "exactly one rollback owner is required, got " + owners, used);
        }
        List<String> uncovered = new ArrayList<>();
        if (!RosterCoverage.covers(zones, RosterCoverage.HONG_KONG, day)) {
            uncovered.add("Hong Kong 09:00-18:00");
        }
        if (!RosterCoverage.covers(zones, RosterCoverage.NEW_YORK, day)) {
            uncovered.add("New York 09:00-18:00");
        }
        if (!uncovered.isEmpty()) {
            return GateVerdict.fail(OPERATOR_ROSTER, "operators' business hours do not cover " + String.join(" and ", uncovered)
                    + " on " + day, used);
        }
        return GateVerdict.pass(OPERATOR_ROSTER, ops.size() + " operators cover Hong Kong and New York business hours", used);
    }

    public static GateVerdict disk(Map<String, String> facts) {
        Map<String, String> used = pick(facts, "diskFreePercent");
        Double free = decimal(facts.get("diskFreePercent"));
        if (free == null) {
            return GateVerdict.fail(DISK, "free disk space unreadable: '" + facts.get("diskFreePercent") + "'", used);
        }
        if (free < MIN_DISK_FREE_PERCENT) {
            return GateVerdict.fail(DISK, "only " + free + "% free, at least " + MIN_DISK_FREE_PERCENT + "% required", used);
        }
        return GateVerdict.pass(DISK, free + "% free", used);
    }

    public static GateVerdict previousVersion(Map<String, String> facts) {
        Map<String, String> used = pick(facts, "gatewayVersion");
        String why = Validation.version(facts.get("gatewayVersion"));
        if (why != null) {
            return GateVerdict.fail(PREVIOUS_VERSION, "running gateway " + why, used);
        }
        return GateVerdict.pass(PREVIOUS_VERSION, "running gateway version " + facts.get("gatewayVersion"), used);
    }

    /**
     * PROBE_LAUNCHD_READ: INVENTORY tried, as the probe account, the PROCESS probe's launchd read (its sudo grant,
     * {@link ProbeGrant}) and reported {@code probeLaunchdRead}. Passes on {@code OK}, and on {@code NO_PROBE_ACCOUNT}
     * (a target without a probe account: the probes read as the gateway's account, which may). Anything else (refused,
     * not logged in, not checked) would make the PROCESS layer and the crash-loop trigger blind for the whole window,
     * so the lease is refused before anything changes, with the fix: the exact sudoers line.
     */
    public static GateVerdict probeLaunchdRead(Map<String, String> facts) {
        Map<String, String> used = pick(facts, StepFacts.PROBE_LAUNCHD_READ, StepFacts.PROBE_LAUNCHD_STATE, StepFacts.PROBE_LAUNCHD_DETAIL,
                StepFacts.PROBE_USER, StepFacts.GATEWAY_USER, StepFacts.UID);
        String read = facts.get(StepFacts.PROBE_LAUNCHD_READ);
        String probe = Validation.printable(facts.getOrDefault(StepFacts.PROBE_USER, "<probe user>"));
        String target = ProbeGrant.serviceTarget(Validation.printable(facts.getOrDefault(StepFacts.UID, "<uid>")));
        if ("OK".equals(read)) {
            return GateVerdict.pass(PROBE_LAUNCHD_READ, "probe account " + probe + " reads " + target + " (state "
                    + facts.get(StepFacts.PROBE_LAUNCHD_STATE) + ") through its sudo grant", used);
        }
        if ("NO_PROBE_ACCOUNT".equals(read)) {
            return GateVerdict.pass(PROBE_LAUNCHD_READ, "no probe account: the probes read launchd as the gateway's "
                    + "account", used);
        }
        String line = sudoersLine(facts);
        used.put("fix", line);
        String fix = "fix: on the lease, put `" + line + "` into " + sudoersFile(probe) + " (visudo -f), so that "
                + "`sudo -n -u " + Validation.printable(facts.getOrDefault(StepFacts.GATEWAY_USER, "<gateway user>")) + " "
                + ProbeGrant.LAUNCHCTL
                + " print " + target + "` works for " + probe;
        String why = facts.get(StepFacts.PROBE_LAUNCHD_DETAIL) == null ? ""
                : " (" + Validation.printable(facts.get(StepFacts.PROBE_LAUNCHD_DETAIL)) + ")";
        if ("UNREACHABLE".equals(read)) {
            return GateVerdict.fail(PROBE_LAUNCHD_READ, "probe account " + probe + " could not log in to read the "
                    + "gateway's launchd state" + why + ": the PROCESS probe and the crash-loop trigger would be blind; "
                    + "authorize the worker's key for " + probe + "; " + fix, used);
        }
        if (read == null) {
            return GateVerdict.fail(PROBE_LAUNCHD_READ, "the probe account's launchd read was not checked (no "
                    + "probeLaunchdRead fact from INVENTORY); " + fix, used);
        }
        return GateVerdict.fail(PROBE_LAUNCHD_READ, "probe account " + probe + " cannot read the gateway's launchd "
                + "state" + why + ": the PROCESS probe and the crash-loop trigger would be blind; " + fix, used);
    }

    /** The grant for these facts ({@link ProbeGrant#sudoersLine}), with placeholders where a fact is missing or bad. */
    static String sudoersLine(Map<String, String> facts) {
        String probe = facts.get(StepFacts.PROBE_USER);
        String gateway = facts.get(StepFacts.GATEWAY_USER);
        String uid = facts.get(StepFacts.UID);
        try {
            return ProbeGrant.sudoersLine(probe, gateway, uid);
        } catch (IllegalArgumentException e) {
            return (probe == null || Validation.sshUser(probe) != null ? "<probe user>" : probe) + " ALL=("
                    + (gateway == null || Validation.sshUser(gateway) != null ? "<gateway user>" : gateway)
                    + ") NOPASSWD: " + ProbeGrant.LAUNCHCTL + " print "
                    + ProbeGrant.serviceTarget(uid == null || !uid.matches("\\d{1,10}") ? "<uid>" : uid);
        }
    }

    private static String sudoersFile(String probe) {
        return Validation.sshUser(probe) == null ? ProbeGrant.sudoersFile(probe) : ProbeGrant.SUDOERS_DIR + "/<probe user>";
    }

    /**
     * The candidate engines.node gate: the node the plist pins (INVENTORY {@code plistNodeVersion}) must satisfy the
     * range the installed candidate declares (INSTALL_CANDIDATE {@code candidateEnginesNode}). A candidate that
     * declares no range accepts any node, as npm does.
     */
    public static GateVerdict candidateEngines(Map<String, String> inventory, Map<String, String> install) {
        Map<String, String> used = pick(inventory, "plistNodeVersion");
        used.put("candidateEnginesNode", install.get("candidateEnginesNode"));
        String node = inventory.get("plistNodeVersion");
        String range = install.get("candidateEnginesNode");
        if (range == null || range.isBlank()) {
            return GateVerdict.pass(CANDIDATE_ENGINES, "the candidate declares no engines.node; plist node " + node
                    + " accepted", used);
        }
        NodeRange r;
        try {
            r = NodeRange.parse(range);
        } catch (IllegalArgumentException e) {
            return GateVerdict.fail(CANDIDATE_ENGINES, "candidate engines.node '" + Validation.printable(range)
                    + "' is not a range this gate understands: " + e.getMessage(), used);
        }
        try {
            if (!r.satisfiedBy(node)) {
                return GateVerdict.fail(CANDIDATE_ENGINES, "the plist pins node " + node + " but the candidate requires "
                        + range, used);
            }
        } catch (IllegalArgumentException e) {
            return GateVerdict.fail(CANDIDATE_ENGINES, "plist node version unreadable: " + e.getMessage(), used);
        }
        return GateVerdict.pass(CANDIDATE_ENGINES, "plist node " + node + " satisfies the candidate's engines.node " + range, used);
    }

    static Integer major(String nodeVersion) {
        if (nodeVersion == null) {
            return null;
        }
        Matcher m = NODE_MAJOR.matcher(nodeVersion.trim());
        return m.matches() ? Integer.valueOf(m.group(1)) : null;
    }

    private static Integer integer(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double decimal(String s) {
        try {
            return s == null ? null : Double.valueOf(s.trim().replace("%", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<String, String> pick(Map<String, String> facts, String... keys) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, facts.get(k));
        }
        return m;
    }

    public static final String STAGING_FIRST = "STAGING_FIRST";
    /**
     * PLAYBOOK step 3, a staging lease first: a PRODUCTION lease passes only when some STAGING lease has a GREEN cutover
     * to the candidate version ({@code greenOnStaging}: its cutover id, else null), or with an approved override
     * ({@code override}: "approver: reason", else null). STAGING leases, and a disabled gate, pass.
     */
    public static GateVerdict stagingFirst(boolean enabled, LeaseStage stage,
            String version, String greenOnStaging, String override) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("leaseStage", String.valueOf(stage));
        ev.put("candidateVersion", version);
        ev.put("enabled", String.valueOf(enabled));
        if (greenOnStaging != null) {
            ev.put("greenStagingCutover", greenOnStaging);
        }
        if (override != null) {
            ev.put("override", override);
        }
        if (!enabled) {
            return GateVerdict.pass(STAGING_FIRST, "gate disabled (orchestrator.gates.staging-first=false)", ev);
        }
        if (stage == LeaseStage.STAGING) {
            return GateVerdict.pass(STAGING_FIRST, "staging lease", ev);
        }
        if (greenOnStaging != null) {
            return GateVerdict.pass(STAGING_FIRST, version + " went GREEN on a staging lease (cutover " + greenOnStaging
                    + ")", ev);
        }
        if (override != null) {
            return GateVerdict.pass(STAGING_FIRST, "overridden by " + override + " ("
                    + Reasons.stagingFirst(version) + ")", ev);
        }
        return GateVerdict.fail(STAGING_FIRST, Reasons.stagingFirst(version), ev);
    }

    /** The lease user's {@code openclaw} (as the login shell finds it) runs the version the service runs (issue 10). */
    public static final String CLI_MATCHES_SERVICE = "CLI_MATCHES_SERVICE";

    /**
     * CLI_MATCHES_SERVICE, the playbook's first gate ("launchd runs one thing, the login shell resolves another") for
     * the CLI: INVENTORY's {@code cliVersion} ({@code openclaw --version} in the lease user's login shell, found at
     * {@code cliPath}) must equal the service's {@code gatewayVersion}, and {@code cliPath} must be replaceable by the
     * lease user ({@code cliWritable}), since FLIP_PLIST switches it with the plist so that after GREEN both run the
     * candidate. A lease where they differ would have the product keep (and later switch) a CLI that works on state
     * another version migrates; it is refused with both versions and the fix, unless an approved override
     * ({@code override}: "approver: reason", else null) of {@code gates.cliMatchesService} accepts it.
     */
    public static GateVerdict cliMatchesService(Map<String, String> facts, String override) {
        Map<String, String> used = pick(facts, StepFacts.CLI_PATH, StepFacts.CLI_VERSION, StepFacts.CLI_WRITABLE,
                "gatewayVersion", "packageRoot");
        String cli = printable(facts.get(StepFacts.CLI_PATH));
        String cliVersion = facts.get(StepFacts.CLI_VERSION);
        String service = printable(facts.get("gatewayVersion"));
        String pkg = printable(facts.getOrDefault("packageRoot", "<package root>"));
        String fix;
        String problem;
        if (facts.get(StepFacts.CLI_PATH) == null) {
            problem = "the lease user's login shell finds no openclaw while the service runs " + service;
            fix = "put the service's npm global prefix bin (" + binOf(pkg) + ") on the login PATH";
        } else if (cliVersion == null) {
            problem = "openclaw --version in the lease user's login shell (" + cli + ") printed no version while the "
                    + "service runs " + service;
            fix = "make " + cli + " the service's CLI: ln -sfn " + pkg + "/openclaw.mjs " + cli;
        } else if (!cliVersion.equals(facts.get("gatewayVersion"))) {
            problem = "the lease user's openclaw (" + cli + ") is " + printable(cliVersion) + " but the service runs "
                    + service + ": the CLI would work on state the service migrates";
            fix = "make " + cli + " the service's CLI (ln -sfn " + pkg + "/openclaw.mjs " + cli + ", or take the "
                    + "other openclaw off the login PATH)";
        } else if ("false".equals(facts.get(StepFacts.CLI_WRITABLE))) {
            problem = "the lease user cannot replace " + cli + " (its directory is not writable): the cutover could "
                    + "not switch the CLI to the candidate with the plist";
            fix = "give the lease user write access to the directory of " + cli;
        } else {
            return GateVerdict.pass(CLI_MATCHES_SERVICE, "the lease user's openclaw (" + cli + ") runs " + service
                    + ", the service's version", used);
        }
        String reason = problem + "; fix: " + fix + ", or override " + ValidationPolicy.CLI_MATCHES_SERVICE
                + "=false with a reason and an approver";
        if (override != null) {
            used.put("override", override);
            return GateVerdict.pass(CLI_MATCHES_SERVICE, "overridden by " + override + " (" + problem + ")", used);
        }
        return GateVerdict.fail(CLI_MATCHES_SERVICE, reason, used);
    }

    private static String printable(String v) {
        return v == null ? "unknown" : Validation.printable(v);
    }

    /** {@code <prefix>/bin} of a package root {@code <prefix>/lib/node_modules/openclaw}. */
    private static String binOf(String packageRoot) {
        String suffix = "/lib/node_modules/openclaw";
        return packageRoot.endsWith(suffix)
                ? packageRoot.substring(0, packageRoot.length() - suffix.length()) + "/bin" : "<npm prefix>/bin";
    }
}
