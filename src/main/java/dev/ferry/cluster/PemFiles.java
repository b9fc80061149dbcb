package dev.ferry.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the PEM files librdkafka properties point at ({@code ssl.ca.location}, {@code ssl.certificate.location},
 * {@code ssl.key.location}) for the Java client, which wants certificates and keys inline. Errors name the
 * property and the file, never the content.
 */
final class PemFiles {

    /** Larger than any certificate bundle; a guard against pointing Ferry at a huge or endless file. */
    private static final long MAX_BYTES = 1024 * 1024;
    private static final Pattern CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+?-----END CERTIFICATE-----");
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN (ENCRYPTED )?PRIVATE KEY-----[A-Za-z0-9+/=\\s]+?-----END (ENCRYPTED )?PRIVATE KEY-----");
    private static final Pattern LEGACY_KEY = Pattern.compile("-----BEGIN (RSA|EC|DSA) PRIVATE KEY-----");
    private static final List<String> CERTIFICATE_SUFFIXES = List.of(".pem", ".crt", ".cer");

    private PemFiles() {
    }

    /** A private key in PKCS#8 PEM, and whether it is encrypted (and so needs {@code ssl.key.password}). */
    record PrivateKey(String pem, boolean encrypted) {
    }

    /** The certificates of a PEM file, or of every {@code .pem}/{@code .crt}/{@code .cer} file in a directory. */
    static String certificatesAt(String property, String location) {
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.list(path)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (Files.isRegularFile(file) && CERTIFICATE_SUFFIXES.stream().anyMatch(name::endsWith)) {
                        String found = blocks(CERTIFICATE, read(property, file));
                        if (!found.isEmpty()) {
                            all.append(all.isEmpty() ? "" : "\n").append(found);
                        }
                    }
                }
            } catch (IOException e) {
                throw cannotRead(property, path, e);
            }
            if (all.isEmpty()) {
                throw InvalidClusterProperties.untranslatable(property, ("directory %s holds no PEM certificate"
                        + " (files ending in .pem, .crt or .cer with '-----BEGIN CERTIFICATE-----')")
                        .formatted(location));
            }
            return all.toString();
        }
        return certificates(property, read(property, path), location);
    }

    /** The certificates in PEM text; {@code source} names where it came from in an error. */
    static String certificates(String property, String pem, String source) {
        String found = blocks(CERTIFICATE, pem);
        if (found.isEmpty()) {
            throw InvalidClusterProperties.untranslatable(property,
                    "%s holds no PEM certificate ('-----BEGIN CERTIFICATE-----')".formatted(source));
        }
        try {
            CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(found.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw InvalidClusterProperties.untranslatable(property,
                    "%s holds a certificate that cannot be parsed as X.509".formatted(source));
        }
        return found;
    }

    static PrivateKey privateKeyAt(String property, String location) {
        return privateKey(property, read(property, Path.of(location)), location);
    }

    static PrivateKey privateKey(String property, String pem, String source) {
        Matcher key = PRIVATE_KEY.matcher(pem);
        if (key.find()) {
            return new PrivateKey(key.group(), key.group(1) != null);
        }
        if (LEGACY_KEY.matcher(pem).find()) {
            throw InvalidClusterProperties.untranslatable(property, ("%s holds a key in the older PKCS#1/SEC1"
                    + " format, which the Java client cannot read; convert it to PKCS#8 with 'openssl pkcs8 -topk8"
                    + " -in key.pem -out key-pkcs8.pem' (add -nocrypt to leave it unencrypted)").formatted(source));
        }
        throw InvalidClusterProperties.untranslatable(property,
                "%s holds no PEM private key ('-----BEGIN PRIVATE KEY-----')".formatted(source));
    }

    private static String read(String property, Path path) {
        try {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path.toString());
            }
            if (!Files.isRegularFile(path)) {
                throw InvalidClusterProperties.untranslatable(property, "%s is not a regular file".formatted(path));
            }
            if (Files.size(path) > MAX_BYTES) {
                throw InvalidClusterProperties.untranslatable(property,
                        "%s is larger than 1 MB, too large for PEM certificates or keys".formatted(path));
            }
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw cannotRead(property, path, e);
        }
    }

    private static InvalidClusterProperties cannotRead(String property, Path path, IOException e) {
        String why = switch (e) {
            case NoSuchFileException missing -> "%s does not exist on the machine Ferry runs on".formatted(path);
            case AccessDeniedException denied -> "Ferry is not allowed to read %s".formatted(path);
            default -> "Ferry cannot read %s (%s)".formatted(path, e.getClass().getSimpleName());
        };
        return InvalidClusterProperties.untranslatable(property, why);
    }

    private static String blocks(Pattern pattern, String text) {
        StringBuilder found = new StringBuilder();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.append(found.isEmpty() ? "" : "\n").append(matcher.group());
        }
        return found.toString();
    }
}
