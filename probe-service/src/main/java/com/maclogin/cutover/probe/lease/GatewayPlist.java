package com.maclogin.cutover.probe.lease;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The gateway's LaunchAgent plist as far as a cutover cares: ProgramArguments (pinned node, package root, port) and
 * the log path; and the rewrite that points the {@code dist/index.js} argument at another package root.
 */
public final class GatewayPlist {

    private final NSDictionary root;

    private GatewayPlist(NSDictionary root) {
        this.root = root;
    }

    /** Parses an XML (or binary) plist; throws {@link IllegalArgumentException} with a short reason otherwise. */
    public static GatewayPlist parse(String content) {
        if (content == null || content.isBlank()) {
            throw new IllegalArgumentException("empty plist");
        }
        NSObject parsed;
        try {
            parsed = PropertyListParser.parse(content.getBytes(StandardCharsets.UTF_8));
        } catch (Exception | Error e) {
            throw new IllegalArgumentException("not a property list (" + e.getClass().getSimpleName() + ")");
        }
        if (!(parsed instanceof NSDictionary)) {
            throw new IllegalArgumentException("top level is not a dictionary");
        }
        GatewayPlist plist = new GatewayPlist((NSDictionary) parsed);
        plist.programArguments();
        return plist;
    }

    public List<String> programArguments() {
        NSObject args = root.get("ProgramArguments");
        if (!(args instanceof NSArray)) {
            throw new IllegalArgumentException("ProgramArguments is missing or not an array");
        }
        List<String> out = new ArrayList<>();
        for (NSObject o : ((NSArray) args).getArray()) {
            if (!(o instanceof NSString)) {
                throw new IllegalArgumentException("ProgramArguments contains a non-string");
            }
            out.add(((NSString) o).getContent());
        }
        return out;
    }

    /** The argument ending in {@code /node}: the runtime the service actually runs. */
    public Optional<String> nodePath() {
        return programArguments().stream().filter(a -> a.endsWith("/node")).findFirst();
    }

    /** The argument ending in {@code /dist/index.js}, minus that suffix. */
    public Optional<String> packageRoot() {
        return programArguments().stream()
                .filter(a -> a.endsWith(LeasePaths.INDEX_SUFFIX) && a.length() > LeasePaths.INDEX_SUFFIX.length())
                .map(a -> a.substring(0, a.length() - LeasePaths.INDEX_SUFFIX.length()))
                .findFirst();
    }

    /** The value of {@code --port N} or {@code --port=N}. */
    public OptionalInt port() {
        List<String> args = programArguments();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals("--port") && i + 1 < args.size()) {
                value = args.get(i + 1);
            } else if (a.startsWith("--port=")) {
                value = a.substring("--port=".length());
            }
            if (value != null) {
                try {
                    int port = Integer.parseInt(value.trim());
                    if (port >= 1 && port <= 65535) {
                        return OptionalInt.of(port);
                    }
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    /** StandardOutPath (where launchd writes the gateway log), else StandardErrorPath. */
    public Optional<String> logPath() {
        for (String key : new String[] {"StandardOutPath", "StandardErrorPath"}) {
            NSObject o = root.get(key);
            if (o instanceof NSString) {
                return Optional.of(((NSString) o).getContent());
            }
        }
        return Optional.empty();
    }

    /**
     * The same plist with the {@code dist/index.js} argument pointing into {@code newPackageRoot}, as XML.
     * Everything else is kept.
     */
    public String withPackageRoot(String newPackageRoot) {
        List<String> args = programArguments();
        int index = -1;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).endsWith(LeasePaths.INDEX_SUFFIX)) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("no ProgramArguments entry ends in " + LeasePaths.INDEX_SUFFIX);
        }
        NSDictionary copy = (NSDictionary) root.clone();
        NSObject[] items = ((NSArray) copy.get("ProgramArguments")).getArray().clone();
        items[index] = new NSString(newPackageRoot + LeasePaths.INDEX_SUFFIX);
        copy.put("ProgramArguments", new NSArray(items));
        return copy.toXMLPropertyList();
    }
}
