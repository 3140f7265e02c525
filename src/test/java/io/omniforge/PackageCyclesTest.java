package io.omniforge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of the service, read from its compiled classes, depend on each other without a cycle, so each can
 * be read (and tested) with only what it depends on: the wire model ({@code a2a}) and the shared utilities stand
 * alone, the agents behind the gateway ({@code agent}) know nothing of the demo agents, the tasks or the API, and
 * only the edges ({@code api}, {@code demo}) know the transports. A failure names the cycle, class by class.
 */
class PackageCyclesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void read() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.omniforge");
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching("io.omniforge.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theWireModelDependsOnNothingElseOfOurs() {
        noClasses().that().resideInAPackage("io.omniforge.a2a..").should().dependOnClassesThat()
                .resideInAnyPackage("io.omniforge.agent..", "io.omniforge.api..", "io.omniforge.demo..",
                        "io.omniforge.handoff..", "io.omniforge.orchestration..", "io.omniforge.security..",
                        "io.omniforge.service..", "io.omniforge.store..", "io.omniforge.stream..",
                        "io.omniforge.task..", "io.omniforge.thread..")
                .check(classes);
    }

    @Test
    void theAgentsBehindTheGatewayKnowNothingOfWhatUsesThem() {
        noClasses().that().resideInAPackage("io.omniforge.agent..").should().dependOnClassesThat()
                .resideInAnyPackage("io.omniforge.api..", "io.omniforge.demo..", "io.omniforge.handoff..",
                        "io.omniforge.orchestration..", "io.omniforge.task..")
                .check(classes);
    }
}
