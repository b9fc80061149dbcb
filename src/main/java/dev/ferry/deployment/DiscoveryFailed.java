package dev.ferry.deployment;

import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;

import dev.ferry.web.FerryException;

/** The endpoint could not be registered: it did not answer, or answered something Ferry cannot use (400). */
class DiscoveryFailed extends FerryException {

    private DiscoveryFailed(String type, String title, String detail, String uri) {
        super(HttpStatus.BAD_REQUEST, type, title, detail, Map.of("uri", uri));
    }

    static DiscoveryFailed unreachable(String uri, String reason) {
        return new DiscoveryFailed("discovery-failed", "Deployment did not answer",
                "Ferry could not reach %s/discover (%s); nothing was registered. Check that the deployment is running"
                        .formatted(uri, reason)
                        + " and that the URI (host, port, path) is the one it listens on.", uri);
    }

    static DiscoveryFailed notAManifest(String uri, String found) {
        return new DiscoveryFailed("discovery-failed", "Not a Restate deployment",
                ("%s/discover did not answer with a Restate endpoint manifest: %s; nothing was registered. Give the URI"
                        + " of a Restate SDK endpoint (e.g. the one restate.serve() or createEndpointHandler() serves);"
                        + " plain HTTP handlers are registered with POST /services instead.")
                        .formatted(uri, found), uri);
    }

    static DiscoveryFailed unauthorized(String uri, int status, Optional<String> publicKey) {
        String what = publicKey.map(key -> "Ferry signed it with the key whose public key is " + key
                + "; add that key to the SDK's identityKeys, or set ferry.security.restate-signing-key to the private"
                + " key of one the SDK lists.").orElse("Ferry signs nothing while ferry.security.restate-signing-key"
                + " is unset; set it to the Ed25519 private key whose public key the SDK lists in its identityKeys.");
        return new DiscoveryFailed("discovery-unauthorized", "Deployment refused Ferry's request identity",
                "The deployment at %s answered HTTP status %d to %s/discover: it verifies request signatures and did"
                        .formatted(uri, status, uri) + " not accept Ferry's; nothing was registered. " + what, uri);
    }

    static DiscoveryFailed unsupportedProtocol(String uri, int min, int max, int ferryMin, int ferryMax) {
        return new DiscoveryFailed("unsupported-protocol-version", "Unsupported service protocol version",
                ("The deployment at %s speaks service protocol versions %d to %d, and Ferry speaks %d to %d; nothing"
                        + " was registered. Use an SDK release that supports a version in %d..%d.")
                        .formatted(uri, min, max, ferryMin, ferryMax, ferryMin, ferryMax), uri);
    }
}
