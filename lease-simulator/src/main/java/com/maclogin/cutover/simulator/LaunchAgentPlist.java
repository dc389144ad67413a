package com.maclogin.cutover.simulator;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders OpenClaw's LaunchAgent plist template and parses launchd job definitions from plist files. */
final class LaunchAgentPlist {

    static final String LABEL = "ai.openclaw.gateway";

    /** A launchd job definition as read at bootstrap time. */
    record Definition(String label, List<String> programArguments, boolean runAtLoad, boolean keepAlive,
                      Boolean keepAliveSuccessfulExit, int throttleIntervalSeconds, int exitTimeOutSeconds,
                      String workingDirectory, String standardInPath, String standardOutPath,
                      String standardErrorPath, Map<String, String> environment, String processType, Integer umask) {
    }

    private LaunchAgentPlist() {
    }

    /** OpenClaw's {@code buildLaunchAgentPlist} output shape (OPENCLAW.md §2) for a gateway installed in {@code packageRoot}. */
    static String render(Path home, String nodePath, Path packageRoot, int gatewayPort, int maxOldSpaceMb) {
        Path state = home.resolve(".openclaw");
        Path serviceEnv = state.resolve("service-env");
        Path log = home.resolve("Library/Logs/openclaw/gateway.log");
        List<String> args = List.of("/bin/sh", serviceEnv.resolve(LABEL + "-env-wrapper.sh").toString(),
                serviceEnv.resolve(LABEL + ".env").toString(), nodePath, "--max-old-space-size=" + maxOldSpaceMb,
                packageRoot.resolve("dist/index.js").toString(), "gateway", "--port", Integer.toString(gatewayPort));
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
        x.append("<plist version=\"1.0\">\n  <dict>\n");
        x.append("    <key>Label</key>\n    <string>").append(esc(LABEL)).append("</string>\n");
        x.append("    <key>Comment</key>\n    <string>OpenClaw Gateway</string>\n");
        x.append("    <key>RunAtLoad</key>\n    <true/>\n");
        x.append("    <key>KeepAlive</key>\n    <true/>\n");
        x.append("    <key>ExitTimeOut</key>\n    <integer>20</integer>\n");
        x.append("    <key>ProcessType</key>\n    <string>Interactive</string>\n");
        x.append("    <key>ThrottleInterval</key>\n    <integer>10</integer>\n");
        x.append("    <key>Umask</key>\n    <integer>63</integer>\n");
        x.append("    <key>StandardInPath</key>\n    <string>/dev/null</string>\n");
        x.append("    <key>ProgramArguments</key>\n    <array>\n");
        for (String a : args) {
            x.append("      <string>").append(esc(a)).append("</string>\n");
        }
        x.append("    </array>\n");
        x.append("    <key>WorkingDirectory</key>\n    <string>").append(esc(state.toString())).append("</string>\n");
        x.append("    <key>StandardOutPath</key>\n    <string>").append(esc(log.toString())).append("</string>\n");
        x.append("    <key>StandardErrorPath</key>\n    <string>").append(esc(log.toString())).append("</string>\n");
        x.append("  </dict>\n</plist>\n");
        return x.toString();
    }

    /** Parses a plist file (XML, binary or OpenStep) into a job definition; throws with a reason when it is not one. */
    static Definition parse(Path plist) throws Exception {
        NSObject root = PropertyListParser.parse(Files.readAllBytes(plist));
        if (!(root instanceof NSDictionary dict)) {
            throw new IllegalArgumentException("top level is not a dictionary");
        }
        String label = string(dict, "Label");
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("missing Label");
        }
        List<String> args = new ArrayList<>();
        NSObject pa = dict.objectForKey("ProgramArguments");
        if (pa instanceof NSArray arr) {
            for (NSObject o : arr.getArray()) {
                args.add(o.toJavaObject().toString());
            }
        }
        String program = string(dict, "Program");
        if (program != null) {
            if (args.isEmpty()) {
                args.add(program);
            } else {
                args.set(0, program);
            }
        }
        if (args.isEmpty()) {
            throw new IllegalArgumentException("missing Program and ProgramArguments");
        }
        boolean keepAlive = false;
        Boolean successfulExit = null;
        NSObject ka = dict.objectForKey("KeepAlive");
        if (ka instanceof NSNumber n) {
            keepAlive = n.boolValue();
        } else if (ka instanceof NSDictionary kd) {
            keepAlive = true;
            if (kd.objectForKey("SuccessfulExit") instanceof NSNumber se) {
                successfulExit = se.boolValue();
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (dict.objectForKey("EnvironmentVariables") instanceof NSDictionary ed) {
            for (Map.Entry<String, NSObject> e : ed.entrySet()) {
                env.put(e.getKey(), e.getValue().toJavaObject().toString());
            }
        }
        return new Definition(label, List.copyOf(args), bool(dict, "RunAtLoad"), keepAlive, successfulExit,
                integer(dict, "ThrottleInterval", 10), integer(dict, "ExitTimeOut", 20),
                string(dict, "WorkingDirectory"), string(dict, "StandardInPath"), string(dict, "StandardOutPath"),
                string(dict, "StandardErrorPath"), env, string(dict, "ProcessType"),
                dict.objectForKey("Umask") instanceof NSNumber u ? u.intValue() : null);
    }

    private static String string(NSDictionary d, String key) {
        NSObject o = d.objectForKey(key);
        return o instanceof NSString s ? s.getContent() : null;
    }

    private static boolean bool(NSDictionary d, String key) {
        return d.objectForKey(key) instanceof NSNumber n && n.boolValue();
    }

    private static int integer(NSDictionary d, String key, int def) {
        return d.objectForKey(key) instanceof NSNumber n ? n.intValue() : def;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
