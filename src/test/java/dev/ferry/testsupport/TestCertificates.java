package dev.ferry.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Certificate authorities and certificates for TLS tests, made with the JDK's own {@code keytool} (one process
 * per key pair: {@code -genkeypair -signer} signs in the same step) and exported to PEM in-process. Certificates
 * are valid for two days and name {@code 127.0.0.1} and {@code localhost}, so host name verification passes.
 */
public final class TestCertificates {

    private static final String STORE_PASSWORD = "test-store-password";
    private static final String PBE = "PBEWithHmacSHA256AndAES_256";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Certificates written under a new temporary directory. */
    public static TestCertificates create() {
        try {
            return new TestCertificates(Files.createTempDirectory("ferry-certs-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** A certificate authority; {@code certificate} is its certificate as a PEM file. */
    public record Authority(String name, Path keystore, Path certificate) {

        public String certificatePem() {
            return readString(certificate);
        }
    }

    /** A key pair signed by an authority, in PEM: the certificate chain (leaf first) and the PKCS#8 key. */
    public record Identity(String name, Path certificate, Path key) {

        public String certificatePem() {
            return readString(certificate);
        }

        public String keyPem() {
            return readString(key);
        }
    }

    public Authority authority(String name) {
        Path keystore = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        KeyStore store = load(keystore);
        Path certificate = dir.resolve(name + ".pem");
        write(certificate, pem(certificateOf(store, name)));
        return new Authority(name, keystore, certificate);
    }

    /** A key pair for {@code 127.0.0.1}, signed by the authority; the key in clear. */
    public Identity identity(Authority authority, String name) {
        return identity(authority, name, null);
    }

    /** A key pair signed by the authority, its key encrypted with {@code keyPassword} (PKCS#8, PBES2) if given. */
    public Identity identity(Authority authority, String name, String keyPassword) {
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
                "-signer", authority.name(), "-signerkeypass", STORE_PASSWORD,
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth,clientAuth", "-validity", "2",
                "-keystore", authority.keystore().toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        KeyStore store = load(authority.keystore());
        try {
            PrivateKey key = (PrivateKey) store.getKey(name, STORE_PASSWORD.toCharArray());
            List<String> chain = new ArrayList<>();
            Certificate[] certificates = store.getCertificateChain(name);
            for (Certificate certificate : certificates) {
                chain.add(pem(certificate));
            }
            if (certificates.length == 1) {
                chain.add(authority.certificatePem());
            }
            Path certificate = dir.resolve(name + "-chain.pem");
            write(certificate, String.join("", chain));
            Path keyFile = dir.resolve(name + "-key.pem");
            write(keyFile, keyPassword == null ? pem("PRIVATE KEY", key.getEncoded())
                    : pem("ENCRYPTED PRIVATE KEY", encrypt(key.getEncoded(), keyPassword)));
            return new Identity(name, certificate, keyFile);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot export " + name, e);
        }
    }

    /**
     * An EncryptedPrivateKeyInfo with PBES2 (PBKDF2 with HMAC-SHA256, AES-256-CBC), what {@code openssl pkcs8
     * -topk8 -v2 aes-256-cbc} writes. The JDK encrypts and encodes the parameters; only the outer DER is built here.
     */
    private static byte[] encrypt(byte[] pkcs8, String password) throws GeneralSecurityException {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(iv);
        PBEParameterSpec spec = new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv));
        Cipher cipher = Cipher.getInstance(PBE);
        cipher.init(Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(PBE).generateSecret(new PBEKeySpec(password.toCharArray())), spec);
        byte[] encrypted = cipher.doFinal(pkcs8);
        AlgorithmParameters parameters = AlgorithmParameters.getInstance(PBE);
        parameters.init(spec);
        try {
            byte[] pbes2 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
            byte[] algorithm = der(0x30, concat(pbes2, parameters.getEncoded()));
            byte[] encoded = der(0x30, concat(algorithm, der(0x04, encrypted)));
            new EncryptedPrivateKeyInfo(encoded); // fails here rather than in the code under test if malformed
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static Certificate certificateOf(KeyStore store, String alias) {
        try {
            return store.getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static KeyStore load(Path keystore) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, STORE_PASSWORD.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read " + keystore, e);
        }
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
