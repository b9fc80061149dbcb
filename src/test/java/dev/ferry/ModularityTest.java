package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(FerryApplication.class);

    /** Where the module diagrams go: build output, written again on every test run. */
    static final Path DOCS = Path.of("target", "spring-modulith-docs");

    @Test
    void featuresTalkOnlyThroughTheirPublicApi() {
        MODULES.verify();
    }

    /** components.puml shows every module and its dependencies; module-NAME.puml one module with its neighbours. */
    @Test
    void writesTheModuleDiagrams() {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(DOCS.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml();

        // a module without dependencies either way (the CLI talks to the REST API only) is left out of the overview
        assertThat(DOCS.resolve("components.puml")).content()
                .contains("\"Consumer\"", "\"Dispatch\"", "\"Invocation\"", "\"Subscription\"");
        MODULES.forEach(module ->
                assertThat(DOCS.resolve("module-%s.puml".formatted(module.getIdentifier()))).isNotEmptyFile());
    }
}
