package dev.ferry.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Signs the requests Ferry sends to Restate SDK deployments (discovery and invocations) as restate-server does, so
 * that an SDK configured with {@code identityKeys: ["publickeyv1_..."]} accepts them and refuses anyone else's.
 * With {@code ferry.security.restate-signing-key} set (an Ed25519 private key, PKCS#8 as {@code openssl genpkey
 * -algorithm ed25519} writes it) every request carries
 * <pre>
 * x-restate-signature-scheme: v1
 * x-restate-jwt-v1: &lt;JWT&gt;
 * </pre>
 * an EdDSA JWT whose header names the key ({@code kid}: the public key string) and whose claims are {@code aud}, the
 * request path in the form the SDK compares ({@code /invoke/{service}/{handler}} or {@code /discover}), {@code iat}
 * now, {@code nbf} a minute before and {@code exp} a minute after. The public key string is {@code publickeyv1_}
 * followed by the base58 (Bitcoin alphabet) of the raw 32-byte public key; Ferry logs it at start-up.
 */
@Component
public class RestateRequestIdentity {

    public static final String SCHEME_HEADER = "x-restate-signature-scheme";
    public static final String JWT_HEADER = "x-restate-jwt-v1";
    static final String PUBLIC_KEY_PREFIX = "publickeyv1_";
    /** How long before and after its issue a token is valid, as restate-server signs them. */
    static final long VALIDITY_SECONDS = 60;

    private static final Logger log = LoggerFactory.getLogger(RestateRequestIdentity.class);
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String publicKey;
    private final String encodedHeader;
    private final Clock clock;

    @Autowired
    public RestateRequestIdentity(SecurityProperties properties, Clock clock) {
        this.clock = clock;
        if (properties.restateSigningKey() == null) {
            this.key = null;
            this.publicKey = null;
            this.encodedHeader = null;
            log.info("Requests to Restate SDK deployments are not signed; set ferry.security.restate-signing-key"
                    + " (FERRY_SECURITY_RESTATE_SIGNING_KEY) to an Ed25519 private key to sign them");
            return;
        }
        EdECPrivateKey privateKey = parse(properties.restateSigningKey());
        this.key = privateKey;
        this.publicKey = PUBLIC_KEY_PREFIX + base58(rawPublicKey(privateKey));
        this.encodedHeader = URL.encodeToString(("{\"typ\":\"JWT\",\"alg\":\"EdDSA\",\"kid\":\"" + publicKey + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        log.info("Requests to Restate SDK deployments are signed ({} v1); configure the SDK with"
                + " identityKeys: [\"{}\"]", SCHEME_HEADER, publicKey);
    }

    private RestateRequestIdentity() {
        this.key = null;
        this.publicKey = null;
        this.encodedHeader = null;
        this.clock = Clock.systemUTC();
    }

    /** An identity that signs nothing, for clients built outside Spring. */
    public static RestateRequestIdentity none() {
        return new RestateRequestIdentity();
    }

    /** The public key to give an SDK as its identity key, {@code publickeyv1_...}, when signing is on. */
    public Optional<String> publicKey() {
        return Optional.ofNullable(publicKey);
    }

    /**
     * The headers that sign a request to {@code rawPath} (the path of the URI as sent), or none when signing is off.
     */
    public Map<String, String> sign(String rawPath) {
        if (key == null) {
            return Map.of();
        }
        long now = clock.instant().getEpochSecond();
        String claims = "{\"aud\":\"" + jsonString(audience(rawPath)) + "\",\"exp\":" + (now + VALIDITY_SECONDS)
                + ",\"iat\":" + now + ",\"nbf\":" + (now - VALIDITY_SECONDS) + "}";
        String signingInput = encodedHeader + "." + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SCHEME_HEADER, "v1");
        headers.put(JWT_HEADER, signingInput + "." + URL.encodeToString(signature(signingInput)));
        return headers;
    }

    private byte[] signature(String signingInput) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signatures are not available in this JVM", e);
        }
    }

    /**
     * The path as the SDK compares it with the audience: from {@code /invoke/{service}/{handler}} or {@code
     * /discover} on, whatever the deployment's URI puts before them.
     */
    static String audience(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length >= 4 && parts[parts.length - 3].equals("invoke")) {
            return "/invoke/" + parts[parts.length - 2] + "/" + parts[parts.length - 1];
        }
        if (parts.length >= 2 && parts[parts.length - 1].equals("discover")) {
            return "/discover";
        }
        return path;
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append("\\u%04x".formatted((int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Reads a PKCS#8 Ed25519 private key: PEM text, its base64 body, or {@code file:} and the path of a PEM file. */
    static EdECPrivateKey parse(String configured) {
        String text = configured;
        if (configured.startsWith("file:")) {
            try {
                text = Files.readString(Path.of(configured.substring("file:".length())));
            } catch (IOException e) {
                throw new IllegalStateException("ferry.security.restate-signing-key names a file Ferry cannot read ("
                        + e.getClass().getSimpleName() + "); give the path of a PEM file written by"
                        + " 'openssl genpkey -algorithm ed25519'");
            }
        }
        String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
            return (EdECPrivateKey) key;
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("ferry.security.restate-signing-key is not an Ed25519 private key in"
                    + " PKCS#8 form; generate one with 'openssl genpkey -algorithm ed25519 -out restate-key.pem' and"
                    + " give its PEM text, its base64 body or file:<path>");
        }
    }

    /**
     * The public key of an Ed25519 private key. The JDK derives it only when generating a pair, so the pair is
     * generated again from the private key's own 32 bytes as the randomness.
     */
    static byte[] rawPublicKey(EdECPrivateKey privateKey) {
        byte[] seed = privateKey.getBytes().orElseThrow(() -> new IllegalStateException(
                "ferry.security.restate-signing-key: the JVM does not expose the private key's bytes"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
            EdECPublicKey derived = (EdECPublicKey) generator.generateKeyPair().getPublic();
            return littleEndianPoint(derived);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 keys are not available in this JVM", e);
        }
    }

    /** RFC 8032 encoding: y in 32 little-endian bytes, the top bit holding whether x is odd. */
    private static byte[] littleEndianPoint(EdECPublicKey key) {
        byte[] bigEndian = key.getPoint().getY().toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < bigEndian.length && i < 32; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (key.getPoint().isXOdd()) {
            out[31] |= (byte) 0x80;
        }
        return out;
    }

    static String base58(byte[] bytes) {
        int zeros = 0;
        while (zeros < bytes.length && bytes[zeros] == 0) {
            zeros++;
        }
        StringBuilder out = new StringBuilder();
        BigInteger value = new BigInteger(1, bytes);
        BigInteger radix = BigInteger.valueOf(58);
        while (value.signum() > 0) {
            BigInteger[] division = value.divideAndRemainder(radix);
            out.append(BASE58.charAt(division[1].intValue()));
            value = division[0];
        }
        out.append("1".repeat(zeros));
        return out.reverse().toString();
    }

    /** Hands out the given bytes as its randomness, once. */
    private static final class FixedRandom extends SecureRandom {

        private final byte[] bytes;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] into) {
            if (into.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes");
            }
            System.arraycopy(bytes, 0, into, 0, into.length);
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
