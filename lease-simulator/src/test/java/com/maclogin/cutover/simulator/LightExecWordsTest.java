package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ShellQuote;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which command lines LIGHT mode answers in the JVM (plain words, single quotes, {@code '\''}, {@code "$HOME"}, one
 * {@code /bin/sh -c} wrapper) and which it leaves to the shell (no lease: the parser alone).
 */
class LightExecWordsTest {

    static final Path HOME = Path.of("/leases/l-1/home");

    @Test
    void plainWordsQuotedWordsAndHomeAreParsedAsTheShellWouldSplitThem() {
        assertThat(LightExec.words("launchctl print gui/0/ai.openclaw.gateway", HOME))
                .containsExactly("launchctl", "print", "gui/0/ai.openclaw.gateway");
        assertThat(LightExec.words("'sudo' '-n' '-u' 'root' '/bin/launchctl' 'print' 'gui/0/ai.openclaw.gateway'", HOME))
                .containsExactly("sudo", "-n", "-u", "root", "/bin/launchctl", "print", "gui/0/ai.openclaw.gateway");
        assertThat(LightExec.words("df -k \"$HOME\"", HOME)).containsExactly("df", "-k", HOME.toString());
        assertThat(LightExec.words("df -k $HOME", HOME)).containsExactly("df", "-k", HOME.toString());
        assertThat(LightExec.words("echo 'it'\\''s'", HOME)).containsExactly("echo", "it's");
    }

    @Test
    void theProductsShDashCWrapperIsUnwrappedOnce() {
        String script = "'sudo' '-n' '-u' 'root' '/bin/launchctl' 'print' 'gui/0/ai.openclaw.gateway'";
        assertThat(LightExec.command("/bin/sh -c " + ShellQuote.quote(script), HOME))
                .containsExactly("sudo", "-n", "-u", "root", "/bin/launchctl", "print", "gui/0/ai.openclaw.gateway");
        assertThat(LightExec.command("/bin/sh -c " + ShellQuote.quote("df -k \"$HOME\""), HOME))
                .containsExactly("df", "-k", HOME.toString());
    }

    @Test
    void anythingBeyondPlainWordsIsLeftToTheShell() {
        for (String line : List.of("launchctl print x; rm -rf /", "df -k \"$HOME/x\"", "echo $PATH", "ls | wc -l",
                "cat > f", "echo `id`", "echo $(id)", "ls *", "echo \"a b\"", "a && b", "echo 'unterminated",
                "/bin/sh -c " + ShellQuote.quote("id -u root; id"))) {
            assertThat(LightExec.command(line, HOME)).as(line).isNull();
        }
    }

    @Test
    void theWatchsSplitReadIsCutAtSemicolonsOutsideQuotesOnly() {
        String m = "ocw-0123456789abcdef0123456789abcdef";
        String script = "'sudo' '-n' '-u' 'a;b' '/bin/launchctl' 'print' 'gui/0/x'; echo " + m + " $?; echo " + m
                + " >&2; df -k \"$HOME\"";
        assertThat(LightExec.topLevelSemicolons(script)).containsExactly(
                "'sudo' '-n' '-u' 'a;b' '/bin/launchctl' 'print' 'gui/0/x'", " echo " + m + " $?", " echo " + m + " >&2",
                " df -k \"$HOME\"");
        assertThat(LightExec.topLevelSemicolons("a \\; b")).containsExactly("a \\; b");
        assertThat(LightExec.topLevelSemicolons("echo 'open; b")).isNull();
        // the script under the product's wrapper; a plain command line is no script
        assertThat(LightExec.script("/bin/sh -c " + ShellQuote.quote(script), HOME)).isEqualTo(script);
        assertThat(LightExec.script("/bin/sh -c " + ShellQuote.quote("df -k \"$HOME\""), HOME)).isNull();
        assertThat(LightExec.script(script, HOME)).isNull();
    }
}
