package com.maclogin.cutover.probe.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** probe-service's structure, read from its compiled main classes (ArchUnit). */
class ArchitectureTest {

    static final JavaClasses MAIN = new ClassFileImporter().importPath(Paths.get("target/classes"));

    @Test
    void packagesHaveNoCycles() {
        slices().matching("com.maclogin.cutover.probe.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
