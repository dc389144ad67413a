package com.maclogin.cutover.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options of {@code watch}, {@code fleet watch} and {@code start --watch}. */
public class WatchOptions {

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between two polls: 500ms, 1s, 2m (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Give up after this long with exit code 8 (default: no limit)")
    Duration timeout;

    @Option(names = "--follow-paused",
            description = "Keep following a PAUSED cutover (a PAUSED/HALTED fleet) instead of exiting with code 7")
    boolean followPaused;

    /** {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, {@code 1h}; a bare number is seconds. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern P = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = P.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 1s, 2m");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> n * 1000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
    }
}
