package dev.ferry.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signs the requests Ferry sends to handlers, so that a handler can check that a call comes from Ferry and
 * was not changed on the way. With {@code ferry.security.signing-key} configured every call carries
 * <pre>
 * x-ferry-timestamp: &lt;Unix time in seconds&gt;
 * x-ferry-signature: v1=&lt;lower-case hex HMAC-SHA256&gt;
 * </pre>
 * where the HMAC, keyed with the UTF-8 bytes of the signing key, covers
 * {@code METHOD + "\n" + path + "\n" + timestamp + "\n"} followed by the raw body bytes; {@code path} is the
 * request target as sent (percent-encoded path, plus {@code ?query} if any). A handler recomputes it,
 * compares in constant time and rejects timestamps more than a few minutes away from its clock.
 */
@Component
public class RequestSigner {

    public static final String SIGNATURE_HEADER = "x-ferry-signature";
    public static final String TIMESTAMP_HEADER = "x-ferry-timestamp";
    /** Versions the scheme, so that a later one can be sent alongside during a migration. */
    public static final String VERSION = "v1";

    private static final Logger log = LoggerFactory.getLogger(RequestSigner.class);
    private static final int MIN_KEY_LENGTH = 16;
    private static final String HMAC = "HmacSHA256";

    private final @Nullable SecretKeySpec key;
    private final Clock clock;

    public RequestSigner(SecurityProperties properties, Clock clock) {
        this.clock = clock;
        if (properties.signingKey() == null) {
            this.key = null;
            log.info("Calls to handlers are not signed; set ferry.security.signing-key (FERRY_SECURITY_SIGNING_KEY)"
                    + " to sign them with {}", SIGNATURE_HEADER);
        } else {
            if (properties.signingKey().length() < MIN_KEY_LENGTH) {
                throw new IllegalStateException("ferry.security.signing-key must be at least " + MIN_KEY_LENGTH
                        + " characters; use a random value such as the output of 'openssl rand -base64 32'");
            }
            this.key = new SecretKeySpec(properties.signingKey().getBytes(StandardCharsets.UTF_8), HMAC);
            log.info("Calls to handlers are signed ({} {})", SIGNATURE_HEADER, VERSION);
        }
    }

    public boolean isEnabled() {
        return key != null;
    }

    /**
     * The headers that sign a request: the timestamp and the signature, or none when signing is off.
     *
     * @param body the exact bytes sent as the body; null or empty for none
     */
    public Map<String, String> sign(String method, URI uri, byte[] body) {
        if (key == null) {
            return Map.of();
        }
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(TIMESTAMP_HEADER, timestamp);
        headers.put(SIGNATURE_HEADER, VERSION + "=" + signature(key, method, target(uri), timestamp, body));
        return headers;
    }

    /** The request target as it goes on the request line: raw path and raw query. */
    static String target(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    static String signature(SecretKeySpec key, String method, String target, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update((method + "\n" + target + "\n" + timestamp + "\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                mac.update(body);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
