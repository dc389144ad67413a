package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ShellQuoteTest {

    @ParameterizedTest(name = "[{index}] <{0}> is written <{1}>")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // value                  | quoted form
            "\"\"                     | ''",
            "plain                    | 'plain'",
            "with space               | 'with space'",
            "it's                     | 'it'\\''s'",
            "'                        | ''\\'''",
            "''                       | ''\\'''\\'''",
            "$(id)                    | '$(id)'",
            "`id`                     | '`id`'",
            "a\\b                     | 'a\\b'",
            "2026.9.6'$(touch /tmp/x)' | '2026.9.6'\\''$(touch /tmp/x)'\\'''",
    })
    void everyValueIsWrappedInSingleQuotesAndASingleQuoteIsClosedEscapedAndReopened(String value, String quoted) {
        assertThat(ShellQuote.quote(value)).isEqualTo(quoted);
    }

    static List<String> hostile() {
        return List.of(
                "",
                "plain",
                "with space",
                "it's",
                "'",
                "''",
                "'; rm -rf / #",
                "$(id)",
                "`id`",
                "${HOME}",
                "$HOME",
                "a\"b",
                "back\\slash",
                "new\nline",
                "tab\there",
                "*?[a-z]",
                "; | & && || > < >>",
                "-n",
                "--port=1",
                "2026.9.6'$(touch /tmp/pwned)'",
                "\u00e9\u4e2d\u6587",
                "!event",
                "~root");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hostile")
    void quotedValueReachesTheCommandAsOneUnchangedWord(String value) throws Exception {
        // set -- to count words: the quoted value must be exactly one argument
        String counted = "set -- " + ShellQuote.quote(value) + "; printf '%s|%s' \"$#\" \"$1\"";
        assertThat(sh(counted)).isEqualTo("1|" + value);
    }

    @Test
    void nulAndNullAreRejectedBecauseNoShellCanCarryThem() {
        assertThatThrownBy(() -> ShellQuote.quote("a\0b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value contains NUL");
        assertThatThrownBy(() -> ShellQuote.quote(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot quote null");
    }

    private static String sh(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor()).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
