package dev.ferry.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * An OIDC issuer's JWK set endpoint on 127.0.0.1, serving the public half of an RSA key it generates, and the
 * issuer's side of signing: JWTs with the claims a test gives, signed with that key (or with a key the set
 * does not hold).
 */
public final class JwkSetServer implements AutoCloseable {

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final RsaJsonWebKey stranger;

    private JwkSetServer() throws IOException, JoseException {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("ferry-test");
        stranger = RsaJwkGenerator.generateJwk(2048);
        stranger.setKeyId("ferry-test");
        byte[] jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/jwks", exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                exchange.getResponseHeaders().add("content-type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                out.write(jwks);
            }
        });
        server.start();
    }

    public static JwkSetServer start() {
        try {
            return new JwkSetServer();
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("Could not start the JWK set server", e);
        }
    }

    public String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** The issuer the tokens name; nothing is served there. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
    }

    /** A JWT of this issuer, valid for five minutes, with the given claims besides iss, sub, iat and exp. */
    public String token(Map<String, Object> claims) {
        return sign(key, issuer(), Instant.now().plus(Duration.ofMinutes(5)), claims);
    }

    /** A JWT that expired ten minutes ago, past any clock skew. */
    public String expiredToken(Map<String, Object> claims) {
        return sign(key, issuer(), Instant.now().minus(Duration.ofMinutes(10)), claims);
    }

    /** A JWT signed with a key the set does not hold, under the same key id. */
    public String tokenOfAnotherKey(Map<String, Object> claims) {
        return sign(stranger, issuer(), Instant.now().plus(Duration.ofMinutes(5)), claims);
    }

    /** A JWT of this key that names another issuer. */
    public String tokenOfAnotherIssuer(Map<String, Object> claims) {
        return sign(key, "http://127.0.0.1:1/elsewhere", Instant.now().plus(Duration.ofMinutes(5)), claims);
    }

    private static String sign(RsaJsonWebKey with, String issuer, Instant expiry, Map<String, Object> claims) {
        JwtClaims body = new JwtClaims();
        body.setIssuer(issuer);
        body.setSubject("caller");
        body.setIssuedAt(NumericDate.fromSeconds(expiry.minus(Duration.ofMinutes(5)).getEpochSecond()));
        body.setExpirationTime(NumericDate.fromSeconds(expiry.getEpochSecond()));
        claims.forEach(body::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(body.toJson());
        jws.setKey(with.getPrivateKey());
        jws.setKeyIdHeaderValue(with.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
