package dev.ferry.testsupport;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal OpenID Connect provider for tests, on 127.0.0.1: a token endpoint for the client credentials grant
 * ({@code POST /token}, client authentication with HTTP Basic or form fields) that issues RS256-signed JWTs, and
 * the JSON Web Key Set to verify them ({@code GET /jwks}).
 */
public final class OidcProvider implements AutoCloseable {

    public static final String AUDIENCE = "kafka";
    private static final String KEY_ID = "ferry-test-key";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final KeyPair keys;
    private final Map<String, String> clients = new HashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private OidcProvider(Map<String, String> clients) throws IOException, GeneralSecurityException {
        this.clients.putAll(clients);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.keys = generator.generateKeyPair();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(executor);
        server.createContext("/token", this::token);
        server.createContext("/jwks", this::jwks);
        server.createContext("/echoing-token", this::echo);
        server.start();
    }

    /** A provider that knows these clients (id to secret). */
    public static OidcProvider start(Map<String, String> clients) {
        try {
            return new OidcProvider(clients);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not start the test OIDC provider", e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tokenEndpoint() {
        return issuer() + "/token";
    }

    public String jwksEndpoint() {
        return issuer() + "/jwks";
    }

    /**
     * A token endpoint that refuses every client and, as some misconfigured gateways do, echoes the request in
     * its 401 answer: the Authorization header (HTTP Basic with the client id and secret) and the form.
     */
    public String echoingTokenEndpoint() {
        return issuer() + "/echoing-token";
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    public int refused() {
        return refused.get();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            String clientId = form.get("client_id");
            String secret = form.get("client_secret");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !"client_credentials".equals(form.get("grant_type"))) {
                respond(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
            } else if (clientId == null || secret == null || !secret.equals(clients.get(clientId))) {
                refused.incrementAndGet();
                respond(exchange, 401,
                        "{\"error\":\"invalid_client\",\"error_description\":\"unknown client or wrong secret\"}");
            } else {
                tokensIssued.incrementAndGet();
                String scope = form.getOrDefault("scope", "kafka");
                respond(exchange, 200,
                        "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"%s\"}"
                        .formatted(jwt(clientId, scope), scope));
            }
        }
    }

    private void echo(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            refused.incrementAndGet();
            String request = "%s %s Authorization: %s; body: %s".formatted(exchange.getRequestMethod(),
                    exchange.getRequestURI(), exchange.getRequestHeaders().getFirst("Authorization"), body);
            respond(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"rejected %s\"}"
                    .formatted(request.replace("\\", "\\\\").replace("\"", "\\\"")));
        }
    }

    private void jwks(HttpExchange exchange) throws IOException {
        try (exchange) {
            RSAPublicKey key = (RSAPublicKey) keys.getPublic();
            respond(exchange, 200, ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"RS256\","
                    + "\"n\":\"%s\",\"e\":\"%s\"}]}").formatted(KEY_ID, base64Url(unsigned(key.getModulus())),
                    base64Url(unsigned(key.getPublicExponent()))));
        }
    }

    private String jwt(String subject, String scope) {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}".formatted(KEY_ID);
        String claims = "{\"iss\":\"%s\",\"sub\":\"%s\",\"aud\":\"%s\",\"iat\":%d,\"exp\":%d,\"scope\":\"%s\"}"
                .formatted(issuer(), subject, AUDIENCE, now, now + 3600, scope);
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
