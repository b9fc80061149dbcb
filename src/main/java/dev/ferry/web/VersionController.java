package dev.ferry.web;

import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /version}, the handshake of Restate's CLI: it reads the range of admin API versions the server
 * speaks and then uses the paths of the highest one both sides know. Ferry serves the cluster and
 * subscription resources under {@code /v4/...}, so it answers with version 4 only.
 */
@RestController
@Tag(name = "version", description = "Server and admin API version")
class VersionController {

    /** The admin API version whose {@code /v4/kafka-clusters} and {@code /v4/subscriptions} shapes Ferry serves. */
    static final int ADMIN_API_VERSION = 4;

    private final String version;

    VersionController(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        String fromManifest = VersionController.class.getPackage().getImplementationVersion();
        this.version = properties != null ? properties.getVersion() : fromManifest != null ? fromManifest : "unknown";
    }

    /** Field names are Restate's {@code VersionInformation}; {@code features} must be present, even empty. */
    record VersionInformation(String version, int minAdminApiVersion, int maxAdminApiVersion,
            Map<String, Boolean> features) {
    }

    @GetMapping("/version")
    @Operation(operationId = "get_version", summary = "Version of Ferry and the range of admin API versions it serves")
    VersionInformation version() {
        return new VersionInformation(version, ADMIN_API_VERSION, ADMIN_API_VERSION, Map.of());
    }
}
