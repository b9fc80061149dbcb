package dev.ferry.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
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
    static final String TOKEN_ENDPOINT = "sasl.oauthbearer.token.endpoint.url";

    private static final Logger log = LoggerFactory.getLogger(OAuthEndpoints.class);

    private OAuthEndpoints() {
    }

    /** Allows the token endpoint of these client settings, if they have one. */
    static synchronized void allow(Map<String, Object> clientProperties) {
        Object endpoint = clientProperties.get(TOKEN_ENDPOINT);
        if (endpoint == null || endpoint.toString().isBlank()) {
            return;
        }
        String url = endpoint.toString().strip();
        try {
            checked(url);
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

    /**
     * The token endpoint as a URI. It must be http(s) with a host: Kafka would also read a file: URL, which Ferry
     * does not allow.
     *
     * @throws InvalidClusterProperties when it is not
     */
    static URI checked(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw InvalidClusterProperties.badValue(TOKEN_ENDPOINT, url,
                "give the http:// or https:// URL of the identity provider's token endpoint");
    }

    /** Whether a URI's host is this machine, so that plain http to it does not cross a network. */
    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]");
    }
}
