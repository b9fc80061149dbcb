package dev.ferry.restate;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where and how to reach a Restate SDK deployment.
 *
 * @param uri               the deployment's base URI; handlers are at {@code {uri}/invoke/{service}/{handler}}
 * @param http11            true to speak HTTP/1.1 (a deployment registered with {@code use_http_11}); HTTP/2
 *                          cleartext with prior knowledge otherwise
 * @param version           the protocol version to speak (see {@link ProtocolVersion#negotiate})
 * @param additionalHeaders headers sent with every request to this deployment
 */
public record RestateEndpoint(URI uri, boolean http11, ProtocolVersion version, Map<String, String> additionalHeaders) {

    public RestateEndpoint {
        additionalHeaders = Map.copyOf(additionalHeaders);
    }

    /** A deployment at {@code uri}, over HTTP/2 or HTTP/1.1, with the preferred version and no extra headers. */
    public static RestateEndpoint of(URI uri, boolean http11) {
        return new RestateEndpoint(uri, http11, ProtocolVersion.PREFERRED, Map.of());
    }

    URI invokeUri(String service, String handler) {
        String base = uri.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/invoke/" + PathSegment.encode(service) + "/" + PathSegment.encode(handler));
    }

    /** Percent-encodes a path segment (service and handler names are identifiers, but never trust that). */
    static final class PathSegment {
        private PathSegment() {
        }

        static String encode(String segment) {
            StringBuilder out = new StringBuilder();
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._~".indexOf(c) >= 0) {
                    out.append(c);
                } else {
                    out.append('%').append("%02X".formatted(b & 0xff));
                }
            }
            return out.toString();
        }
    }
}
