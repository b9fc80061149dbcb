package dev.ferry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Restate services of {@code src/test/restate-java}, written with the Restate Java SDK
 * ({@code dev.restate:sdk-java-http}). The SDK brings Vert.x 4, Netty 4.1, Jackson 2 and Log4j, which clash with
 * Spring Boot 4's, so it never joins Ferry's test class path: the project is a Maven project of its own, built
 * here once per test JVM with the Maven Wrapper ({@code compile dependency:build-classpath}), and run in a JVM of
 * its own on the class path that build wrote.
 */
public final class JavaSdkProject {

    /** The class that serves the services; its only argument is the port. */
    public static final String MAIN_CLASS = "dev.ferry.sdkjava.JavaSdkServices";

    private static final Path ROOT = Path.of("src/test/restate-java").toAbsolutePath();
    private static String classPath;

    private JavaSdkProject() {
    }

    static Path root() {
        return ROOT;
    }

    /** The compiled services and the SDK's runtime class path, built on first use. */
    static synchronized String classPath() {
        if (classPath == null) {
            build();
            try {
                classPath = ROOT.resolve("target/classes") + ":"
                        + Files.readString(ROOT.resolve("target/classpath.txt"), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classPath;
    }

    private static void build() {
        Path wrapper = Path.of("mvnw").toAbsolutePath();
        try {
            Path log = Files.createTempFile("ferry-restate-java", ".log");
            ProcessBuilder builder = new ProcessBuilder(List.of(wrapper.toString(), "-B", "-q", "-f",
                    ROOT.resolve("pom.xml").toString(), "compile", "dependency:build-classpath"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // the JDK that runs the tests builds the services too
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process maven = builder.start();
            if (!maven.waitFor(10, TimeUnit.MINUTES)) {
                maven.destroyForcibly();
                throw new IllegalStateException("Building " + ROOT + " took more than 10 minutes");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            if (maven.exitValue() != 0) {
                throw new IllegalStateException("Building " + ROOT + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the Maven Wrapper to build " + ROOT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
