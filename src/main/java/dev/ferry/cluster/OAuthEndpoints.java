package dev.ferry.cluster;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the JVM-wide allow-list of OAuth endpoints in step with the registered clusters. Since Kafka 4.0 the
 * Java client only fetches tokens from URLs listed in the system property {@value #ALLOWED_URLS} (a guard against
 * configurations that make a client read arbitrary URLs or files). In Ferry, only an administrator registers
 * clusters, and the token endpoint must be an http(s) URL, so Ferry adds each cluster's token endpoint to the
 * list before any client of that cluster is created. URLs the operator put there (e.g. with {@code -D}) stay.
 */
final class OAuthEndpoints {

    static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

    private static final Logger log = LoggerFactory.getLogger(OAuthEndpoints.class);

    private OAuthEndpoints() {
    }

    /** Allows the token endpoint of these client settings, if they have one. */
    static synchronized void allow(java.util.Map<String, Object> clientProperties) {
        Object endpoint = clientProperties.get(ClientPropertyTranslator.TOKEN_ENDPOINT);
        if (endpoint == null || endpoint.toString().isBlank()) {
            return;
        }
        String url = endpoint.toString().strip();
        try {
            ClientPropertyTranslator.tokenEndpoint(url);
        } catch (InvalidClusterProperties notHttp) {
            return;
        }
        String current = System.getProperty(ALLOWED_URLS, "");
        Set<String> allowed = Arrays.stream(current.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        if (allowed.add(url)) {
            System.setProperty(ALLOWED_URLS, current.isBlank() ? url : current.strip() + "," + url);
            log.info("OAuth token endpoint {} added to {}", url, ALLOWED_URLS);
        }
    }
}
