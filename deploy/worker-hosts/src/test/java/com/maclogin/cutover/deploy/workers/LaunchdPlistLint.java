package com.maclogin.cutover.deploy.workers;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.XMLPropertyListParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * The launchd rules a worker's LaunchDaemon plist must keep (pure: a file in, its problems out; empty = clean).
 * The file is validated against the plist DTD's structure ({@code PropertyList-1.0.dtd}, encoded in the test
 * resources) with the JDK's XML parser, parsed with dd-plist, and then checked: Label = file name, ProgramArguments an
 * array of strings starting with an absolute program, UserName a dedicated account (not root), RunAtLoad and
 * KeepAlive booleans, ThrottleInterval a positive integer, only keys launchd knows, absolute paths, and no key or
 * value that looks like a secret.
 */
final class LaunchdPlistLint {

    static final String DOCTYPE =
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">";

    /** launchd.plist(5)'s top-level keys. */
    static final Set<String> KNOWN_KEYS = Set.of("Label", "Disabled", "UserName", "GroupName", "inetdCompatibility",
            "LimitLoadToHosts", "LimitLoadFromHosts", "LimitLoadToSessionType", "LimitLoadToHardware",
            "LimitLoadFromHardware", "Program", "ProgramArguments", "EnableGlobbing", "EnableTransactions",
            "EnablePressuredExit", "OnDemand", "ServiceIPC", "KeepAlive", "RunAtLoad", "RootDirectory",
            "WorkingDirectory", "EnvironmentVariables", "Umask", "TimeOut", "ExitTimeOut", "ThrottleInterval",
            "InitGroups", "WatchPaths", "QueueDirectories", "StartOnMount", "StartInterval", "StartCalendarInterval",
            "StandardInPath", "StandardOutPath", "StandardErrorPath", "Debug", "WaitForDebugger", "SoftResourceLimits",
            "HardResourceLimits", "Nice", "ProcessType", "AbandonProcessGroup", "LowPriorityIO",
            "LowPriorityBackgroundIO", "MaterializeDatalessFiles", "LaunchOnlyOnce", "MachServices", "Sockets",
            "LaunchEvents", "SessionCreate", "LegacyTimers", "AssociatedBundleIdentifiers");

    static final Set<String> PATH_KEYS = Set.of("Program", "WorkingDirectory", "RootDirectory", "StandardInPath",
            "StandardOutPath", "StandardErrorPath");

    /** A key naming a secret (a name for a file or location of one is fine: its value is a path). */
    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|secret|token|jaas|credential|api_?key|private_?key|sasl).*");
    static final Pattern NAMES_A_PATH = Pattern.compile("(?i).*(_FILE|_PATH|_LOCATION|_DIR)$");
    /** A value that is a secret: a JAAS login, a password assignment, a PEM private key, a bearer token. */
    static final Pattern SECRET_VALUE = Pattern.compile(
            "(?is).*(LoginModule|password\\s*=|BEGIN [A-Z ]*PRIVATE KEY|Bearer\\s+\\S|xox[bap]-).*");

    private LaunchdPlistLint() {
    }

    static List<String> check(Path file) {
        List<String> problems = new ArrayList<>();
        String name = file.getFileName().toString();
        if (!name.endsWith(".plist")) {
            problems.add("file name " + name + " does not end in .plist");
            return problems;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (Exception e) {
            problems.add("unreadable: " + e);
            return problems;
        }
        if (!text.startsWith("<?xml")) {
            problems.add("not an XML plist: it must start with <?xml");
        }
        if (!text.contains(DOCTYPE)) {
            problems.add("no Apple plist DOCTYPE (" + DOCTYPE + ")");
        }
        List<String> dtd = validateAgainstDtd(file);
        if (!dtd.isEmpty()) {
            problems.addAll(dtd);
            return problems;
        }
        NSObject root;
        try {
            root = XMLPropertyListParser.parse(file.toFile());
        } catch (Exception e) {
            problems.add("dd-plist cannot parse it: " + e.getMessage());
            return problems;
        }
        if (!(root instanceof NSDictionary dict)) {
            problems.add("the top-level object is not a dict");
            return problems;
        }
        String expectedLabel = name.substring(0, name.length() - ".plist".length());
        for (String key : dict.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                problems.add("key " + key + " is not a launchd.plist key");
            }
        }
        NSObject label = dict.get("Label");
        if (!(label instanceof NSString s) || !s.getContent().equals(expectedLabel)) {
            problems.add("Label must be the file name without .plist (" + expectedLabel + "), is " + label);
        }
        NSObject args = dict.get("ProgramArguments");
        if (!(args instanceof NSArray array) || array.count() == 0) {
            problems.add("ProgramArguments must be a non-empty array");
        } else {
            for (NSObject arg : array.getArray()) {
                if (!(arg instanceof NSString)) {
                    problems.add("ProgramArguments must hold strings only, holds " + arg.getClass().getSimpleName());
                }
            }
            if (array.objectAtIndex(0) instanceof NSString program && !program.getContent().startsWith("/")) {
                problems.add("ProgramArguments[0] must be an absolute program path, is " + program.getContent());
            }
        }
        NSObject user = dict.get("UserName");
        if (!(user instanceof NSString u) || u.getContent().isBlank()) {
            problems.add("UserName is missing: a daemon without it runs as root");
        } else if (Set.of("root", "0").contains(u.getContent())) {
            problems.add("UserName must be a dedicated account, not root");
        }
        if (dict.get("GroupName") instanceof NSString g && Set.of("wheel", "root", "admin", "0").contains(g.getContent())) {
            problems.add("GroupName must be the account's own group, not " + g.getContent());
        }
        for (String key : List.of("RunAtLoad", "KeepAlive")) {
            if (!(dict.get(key) instanceof NSNumber n) || n.type() != NSNumber.BOOLEAN) {
                problems.add(key + " must be a boolean (<true/> or <false/>), is " + dict.get(key));
            }
        }
        if (!(dict.get("ThrottleInterval") instanceof NSNumber t) || t.type() != NSNumber.INTEGER || t.intValue() <= 0) {
            problems.add("ThrottleInterval must be a positive integer, is " + dict.get("ThrottleInterval"));
        }
        for (String key : PATH_KEYS) {
            NSObject v = dict.get(key);
            if (v != null && (!(v instanceof NSString p) || !p.getContent().startsWith("/"))) {
                problems.add(key + " must be an absolute path, is " + v);
            }
        }
        if (dict.get("EnvironmentVariables") instanceof NSDictionary env) {
            for (Map.Entry<String, NSObject> e : env.entrySet()) {
                if (NAMES_A_PATH.matcher(e.getKey()).matches() && e.getValue() instanceof NSString p
                        && !p.getContent().startsWith("/")) {
                    problems.add("EnvironmentVariables " + e.getKey() + " must be an absolute path");
                }
            }
        }
        secrets("", dict, problems);
        return problems;
    }

    private static void secrets(String where, NSObject o, List<String> problems) {
        if (o instanceof NSDictionary d) {
            for (Map.Entry<String, NSObject> e : d.entrySet()) {
                String at = where.isEmpty() ? e.getKey() : where + "." + e.getKey();
                if (SECRET_NAME.matcher(e.getKey()).matches() && !NAMES_A_PATH.matcher(e.getKey()).matches()) {
                    problems.add("key " + at + " looks like a secret: secrets go in the 0600 environment file");
                }
                secrets(at, e.getValue(), problems);
            }
        } else if (o instanceof NSArray a) {
            for (int i = 0; i < a.count(); i++) {
                secrets(where + "[" + i + "]", a.objectAtIndex(i), problems);
            }
        } else if (o instanceof NSString s && SECRET_VALUE.matcher(s.getContent()).matches()) {
            problems.add("the value of " + where + " looks like a secret: secrets go in the 0600 environment file");
        }
    }

    /** Validates the file against the plist DTD's structure; every error is a problem (line: message). */
    private static List<String> validateAgainstDtd(Path file) {
        List<String> problems = new ArrayList<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setValidating(true);
            f.setNamespaceAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setEntityResolver((publicId, systemId) -> {
                if ("-//Apple//DTD PLIST 1.0//EN".equals(publicId)) {
                    InputStream dtd = LaunchdPlistLint.class.getResourceAsStream("/PropertyList-1.0.dtd");
                    return new InputSource(dtd);
                }
                // never fetch anything: another DTD is an empty one, and the missing DOCTYPE is reported above
                return new InputSource(new java.io.StringReader(""));
            });
            b.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) {
                    problems.add("line " + e.getLineNumber() + ": not a valid plist: " + e.getMessage());
                }

                @Override
                public void fatalError(SAXParseException e) {
                    problems.add("line " + e.getLineNumber() + ": not well-formed XML: " + e.getMessage());
                }
            });
            b.parse(file.toFile());
        } catch (SAXParseException e) {
            if (problems.isEmpty()) {
                problems.add("line " + e.getLineNumber() + ": " + e.getMessage());
            }
        } catch (Exception e) {
            problems.add("cannot read it as XML: " + e);
        }
        return problems;
    }
}
