package dev.ferry;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTest {

    @Test
    void featuresTalkOnlyThroughTheirPublicApi() {
        ApplicationModules.of(FerryApplication.class).verify();
    }
}
