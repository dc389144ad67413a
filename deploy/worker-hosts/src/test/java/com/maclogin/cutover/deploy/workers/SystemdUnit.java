package com.maclogin.cutover.deploy.workers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A systemd unit file as sections of directives (a directive may repeat), and the worker unit's own rules. */
record SystemdUnit(Map<String, List<Map.Entry<String, String>>> sections) {

    static SystemdUnit read(Path file) throws IOException {
        Map<String, List<Map.Entry<String, String>>> sections = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                sections.putIfAbsent(section, new ArrayList<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                sections.computeIfAbsent(section, s -> new ArrayList<>())
                        .add(Map.entry(line.substring(0, eq).strip(), line.substring(eq + 1).strip()));
            }
        }
        return new SystemdUnit(sections);
    }

    List<String> all(String section, String key) {
        return sections.getOrDefault(section, List.of()).stream()
                .filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).toList();
    }

    String one(String section, String key) {
        List<String> v = all(section, key);
        return v.isEmpty() ? null : v.get(v.size() - 1);
    }

    /**
     * The worker unit's rules: a dedicated user, its environment from a file that must exist, the hardening, a
     * writable state path and nothing else, restarts on failure within limits, an absolute program, no secret inline.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        String user = one("Service", "User");
        if (user == null || user.isBlank() || user.equals("root") || user.equals("0")) {
            problems.add("User= must name a dedicated system user, is " + user);
        }
        if (one("Service", "DynamicUser") != null) {
            problems.add("DynamicUser= would give the key file no stable owner");
        }
        List<String> envFiles = all("Service", "EnvironmentFile");
        if (envFiles.isEmpty()) {
            problems.add("EnvironmentFile= is missing: the Kafka login comes from it");
        }
        for (String f : envFiles) {
            if (f.startsWith("-")) {
                problems.add("EnvironmentFile=" + f + " is optional ('-'): a missing file must fail the start");
            } else if (!f.startsWith("/")) {
                problems.add("EnvironmentFile=" + f + " is not absolute");
            }
        }
        for (Map.Entry<String, String> want : Map.of("NoNewPrivileges", "yes", "ProtectSystem", "strict",
                "ProtectHome", "yes", "PrivateTmp", "yes", "Restart", "on-failure").entrySet()) {
            if (!want.getValue().equals(one("Service", want.getKey()))) {
                problems.add(want.getKey() + "= must be " + want.getValue() + ", is " + one("Service", want.getKey()));
            }
        }
        List<String> rw = all("Service", "ReadWritePaths");
        if (rw.isEmpty()) {
            problems.add("ReadWritePaths= is missing: with ProtectSystem=strict the worker's state needs it");
        }
        rw.stream().flatMap(v -> List.of(v.split("\\s+")).stream()).filter(p -> !p.startsWith("/"))
                .forEach(p -> problems.add("ReadWritePaths " + p + " is not absolute"));
        for (String key : List.of("StartLimitIntervalSec", "StartLimitBurst")) {
            if (one("Unit", key) == null) {
                problems.add(key + "= is missing in [Unit]: restarts need a limit");
            }
        }
        String exec = one("Service", "ExecStart");
        if (exec == null || !exec.startsWith("/")) {
            problems.add("ExecStart= must start with an absolute program, is " + exec);
        }
        for (String env : all("Service", "Environment")) {
            String name = env.replace("\"", "").split("=", 2)[0];
            if (LaunchdPlistLint.SECRET_NAME.matcher(name).matches() && !LaunchdPlistLint.NAMES_A_PATH.matcher(name).matches()
                    || LaunchdPlistLint.SECRET_VALUE.matcher(env).matches()) {
                problems.add("Environment=" + name + " looks like a secret: secrets go in the EnvironmentFile");
            }
        }
        return problems;
    }
}
