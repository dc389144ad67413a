package com.maclogin.cutover.orchestrator.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.service.SagaEngine;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The orchestrator's structure, read from its compiled main classes (ArchUnit). */
class ArchitectureTest {

    static final JavaClasses MAIN = new ClassFileImporter().importPath(Paths.get("target/classes"));

    static final ArchRule ONE_STATE_WRITER = noClasses().that().doNotBelongToAnyOf(SagaEngine.class, Cutover.class)
            .should().setField(Cutover.class, "state")
            .because("the saga decides every transition and the engine applies it (docs/architecture.md)");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("com.maclogin.cutover.orchestrator.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheSagaEngineChangesACutoversState() {
        ONE_STATE_WRITER.check(MAIN);
    }

    /** A class that writes the state itself, so the rule above is seen to catch one. */
    static final class StrayStateWriter {
        void fail(Cutover c) {
            c.state = CutoverState.FAILED;
        }
    }

    @Test
    void theOneStateWriterRuleCatchesAStrayWriter() {
        JavaClasses stray = new ClassFileImporter().importClasses(StrayStateWriter.class, Cutover.class, SagaEngine.class);
        assertThatThrownBy(() -> ONE_STATE_WRITER.check(stray)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("StrayStateWriter");
    }

    @Test
    void thePureSagaUsesNoServiceRepositoryOrMessagingCode() {
        noClasses().that().resideInAPackage("..orchestrator.saga..")
                .should().dependOnClassesThat().resideInAnyPackage("..orchestrator.service..",
                        "..orchestrator.repository..", "..orchestrator.messaging..", "..orchestrator.rest..",
                        "jakarta.persistence..", "io.quarkus..", "org.apache.kafka..")
                .check(MAIN);
    }

    @Test
    void thePureFleetSagaUsesNoServiceRepositoryMessagingOrQuarkusCode() {
        noClasses().that().resideInAPackage("..orchestrator.fleet..")
                .should().dependOnClassesThat().resideInAnyPackage("..orchestrator.service..",
                        "..orchestrator.repository..", "..orchestrator.messaging..", "..orchestrator.rest..",
                        "..orchestrator.api..", "jakarta.persistence..", "io.quarkus..", "org.apache.kafka..")
                .check(MAIN);
    }
}
