package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class SimulatedNpmRegistryTest {

    @Test
    void readmeShaTableListsEveryPublishedVersionWithTheHashTheCodeProduces() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("\\| (\\S+) \\| `([0-9a-f]{64})` \\|").matcher(readme);
        Map<String, String> documented = new LinkedHashMap<>();
        while (m.find()) {
            documented.put(m.group(1), m.group(2));
        }
        Map<String, String> computed = new LinkedHashMap<>();
        for (String v : SimulatedNpmRegistry.publishedVersions()) {
            computed.put(v, SimulatedNpmRegistry.packedTarballSha256(v));
        }
        assertThat(documented).containsExactlyEntriesOf(computed);
        assertThat(computed.values()).doesNotHaveDuplicates();
    }

    @Test
    void packedTarballIsAValidGzipTarThatTheLeasesReaderUnpacksToTheRegistryFiles() throws Exception {
        byte[] tgz = SimulatedNpmRegistry.packedTarball("2026.9.5");
        assertThat(tgz).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0);
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(tgz)).readAllBytes();
        assertThat(new String(tar, 0, 21, StandardCharsets.US_ASCII)).isEqualTo("package/dist/index.js");
        assertThat(tar.length % 512).isZero();

        NpmTarball.Unpacked pkg = NpmTarball.read(new ByteArrayInputStream(tgz));
        assertThat(pkg.name()).isEqualTo("openclaw");
        assertThat(pkg.version()).isEqualTo("2026.9.5");
        assertThat(pkg.binTarget()).isEqualTo("openclaw.mjs");
        assertThat(pkg.files()).hasSameSizeAs(GatewayPackage.files("2026.9.5"));
        for (int i = 0; i < pkg.files().size(); i++) {
            GatewayPackage.PackageFile got = pkg.files().get(i);
            GatewayPackage.PackageFile want = GatewayPackage.files("2026.9.5").get(i);
            assertThat(got.path()).isEqualTo(want.path());
            assertThat(got.mode()).isEqualTo(want.mode());
            assertThat(got.content()).isEqualTo(want.content());
        }
        assertThat(SimulatedNpmRegistry.packedTarball("latest")).isEqualTo(SimulatedNpmRegistry.packedTarball("2026.9.6"));
        assertThat(SimulatedNpmRegistry.tarballFileName("2026.9.5")).isEqualTo("openclaw-2026.9.5.tgz");
    }

    @Test
    void unpublishedVersionsAreRefusedByTheJavaApi() {
        assertThatThrownBy(() -> SimulatedNpmRegistry.packedTarballSha256("1.2.3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openclaw@1.2.3 is not published");
    }
}
