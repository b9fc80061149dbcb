package dev.ferry.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.springframework.stereotype.Component;

/**
 * Connects to a cluster once, with an Admin client and the cluster's translated settings, and reports whether
 * a broker answered {@code DescribeCluster}: that needs the network, TLS and SASL authentication to work. The
 * error is phrased for the user and has every secret value of the cluster redacted.
 */
@Component
class ClusterProbe {

    private static final Set<String> ADMIN_SETTINGS = AdminClientConfig.configNames();
    private static final int MAX_ERROR_LENGTH = 600;
    /** How much of a token endpoint's answer is kept: its error code and a short description, never a whole body. */
    private static final int MAX_REASON_LENGTH = 160;
    /** Kafka quotes the token endpoint's answer whole in these messages. */
    private static final Pattern TOKEN_ENDPOINT_ANSWER = Pattern.compile("(?s)The (?:unexpected )?response code (\\d+)"
            + " and error (?:response|message) (.*?) was encountered reading the token endpoint response"
            + "(?:; will not attempt further retries)?");
    /** "org.apache.kafka.common.KafkaException: " and the like, as wrapped exceptions quote their cause. */
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*: )+");

    private final Duration timeout;
    private final Clock clock;

    ClusterProbe(ClusterProperties properties, Clock clock) {
        this.timeout = properties.connectionCheckTimeout();
        this.clock = clock;
    }

    ClusterConnection check(String cluster, Map<String, Object> clientProperties, Collection<String> secrets) {
        Map<String, Object> config = new HashMap<>();
        clientProperties.forEach((name, value) -> {
            if (ADMIN_SETTINGS.contains(name)) {
                config.put(name, value);
            }
        });
        int millis = (int) timeout.toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "ferry-check-" + cluster);
        Admin admin = null;
        try {
            admin = Admin.create(config);
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
                    .get(millis + 2_000L, TimeUnit.MILLISECONDS);
            return ClusterConnection.connected(clock.instant());
        } catch (ExecutionException | KafkaException e) {
            return ClusterConnection.failed(clock.instant(), sanitize(describe(e), secrets));
        } catch (TimeoutException e) {
            return ClusterConnection.failed(clock.instant(), sanitize(unreachable(), secrets));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ClusterConnection.unknown();
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    // Kafka's TimeoutException beside java.util.concurrent's, which check() catches
    @SuppressWarnings("checkstyle:inlineQualifiedName")
    private String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return switch (cause) {
            case SaslAuthenticationException e -> prefixed("Authentication failed", messages(e));
            case SslAuthenticationException e -> "TLS handshake failed: " + messages(e)
                    + ". Check ssl.ca.location (the CA that signed the brokers' certificates) and "
                    + "the client certificate.";
            case AuthenticationException e -> prefixed("Authentication failed", messages(e));
            case org.apache.kafka.common.errors.TimeoutException e -> unreachable();
            case KafkaException e when isConstructionFailure(e) -> "Could not create a Kafka client: "
                    + messages(e.getCause());
            default -> messages(cause);
        };
    }

    private static String prefixed(String prefix, String message) {
        return message.startsWith(prefix) ? message : prefix + ": " + message;
    }

    private String unreachable() {
        return ("No broker answered within %ds. Check bootstrap.servers, the network, and that security.protocol"
                + " matches the brokers' listener (a TLS listener does not answer a PLAINTEXT client).")
                .formatted(timeout.toSeconds());
    }

    private static boolean isConstructionFailure(KafkaException e) {
        return e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("Failed to create new");
    }

    /**
     * The distinct messages along a cause chain, outermost first: the first line of each (some embed a stack
     * trace), without the class names that wrapping exceptions repeat.
     */
    private static String messages(Throwable error) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = error; t != null && messages.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().strip();
            int lineEnd = message.indexOf('\n');
            message = CLASS_PREFIX.matcher(lineEnd < 0 ? message : message.substring(0, lineEnd).strip())
                    .replaceAll("");
            String found = message;
            if (!found.isEmpty() && messages.stream().noneMatch(known -> known.contains(found))) {
                messages.removeIf(found::contains);
                messages.add(found);
            }
        }
        return messages.isEmpty() ? error.getClass().getSimpleName() : String.join(": ", messages);
    }

    private static String sanitize(String message, Collection<String> secrets) {
        String scrubbed = Secrets.redact(message, secrets);
        Matcher tokenAnswer = TOKEN_ENDPOINT_ANSWER.matcher(scrubbed);
        if (tokenAnswer.find()) {
            String reason = tokenAnswer.group(2).replaceAll("\\s+", " ").strip();
            scrubbed = tokenAnswer.replaceFirst(Matcher.quoteReplacement("The token endpoint answered HTTP "
                    + tokenAnswer.group(1) + ": " + (reason.length() > MAX_REASON_LENGTH
                            ? reason.substring(0, MAX_REASON_LENGTH) + "…" : reason)));
        }
        String oneLine = scrubbed.replaceAll("\\s+", " ").strip();
        return oneLine.length() > MAX_ERROR_LENGTH ? oneLine.substring(0, MAX_ERROR_LENGTH) + "…" : oneLine;
    }
}
