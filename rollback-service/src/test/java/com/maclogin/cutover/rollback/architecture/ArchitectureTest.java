package com.maclogin.cutover.rollback.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaFieldAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.rollback.Rollback;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.service.RollbackService;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** rollback-service's structure, read from its compiled main classes (ArchUnit). */
class ArchitectureTest {

    static final JavaClasses MAIN = new ClassFileImporter().importPath(Paths.get("target/classes"));

    static final ArchRule ONE_ROLLBACK_WRITER = noClasses().that().doNotBelongToAnyOf(RollbackService.class, Rollback.class)
            .should().setFieldWhere(target(owner(equivalentTo(Rollback.class))))
            .because("the saga decides every change of a rollback and the engine applies it (docs/architecture.md)");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("com.maclogin.cutover.rollback.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheEngineWritesARollback() {
        ONE_ROLLBACK_WRITER.check(MAIN);
    }

    /** A class that writes a rollback itself, so the rule above is seen to catch one. */
    static final class StrayRollbackWriter {
        void fail(Rollback rb) {
            rb.state = RollbackState.ROLLBACK_FAILED;
        }
    }

    @Test
    void theOneWriterRuleCatchesAStrayWriter() {
        JavaClasses stray = new ClassFileImporter().importClasses(StrayRollbackWriter.class, Rollback.class,
                RollbackService.class);
        assertThatThrownBy(() -> ONE_ROLLBACK_WRITER.check(stray)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("StrayRollbackWriter");
    }

    @Test
    void theSagaUsesNoServiceRepositoryMessagingOrFrameworkCode() {
        noClasses().that().resideInAPackage("..rollback.saga..")
                .should().dependOnClassesThat().resideInAnyPackage("..rollback.service..", "..rollback.repository..",
                        "..rollback.messaging..", "..rollback.rest..", "jakarta.persistence..", "io.quarkus..",
                        "org.apache.kafka..", "io.micrometer..")
                .check(MAIN);
    }
}
