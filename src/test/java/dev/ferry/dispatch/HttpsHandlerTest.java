package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.InputFormat;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceType;
import dev.ferry.testsupport.TestCertificates;

/** Handlers behind HTTPS on 127.0.0.1: called when their certificate is trusted, refused when it is not. */
class HttpsHandlerTest {

    private static final char[] PASSWORD = "handler-key".toCharArray();

    private final TestCertificates certificates = TestCertificates.create();
    private final TestCertificates.Authority authority = certificates.authority("handler-ca");
    private HttpsServer server;
    private HandlerClient client;

    @BeforeEach
    void startHandler() throws Exception {
        TestCertificates.Identity identity = certificates.identity(authority, "handler");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("handler", privateKey(identity), PASSWORD,
                certificates(identity.certificate()).toArray(Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            byte[] answer = "{\"over\":\"tls\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.stop(0);
    }

    @Test
    void callsAnHttpsHandlerWhoseCertificateIsTrusted() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("handler-ca", certificates(authority.certificate()).getFirst());
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setTrustStore(trusted);
        client = new HandlerClient(HandlerHttpProperties.defaults(), tls, Duration.ofSeconds(5), 1024,
                Clock.systemUTC(), null);

        assertThat(call("https://localhost:" + server.getAddress().getPort()))
                .isInstanceOfSatisfying(CallResult.Success.class,
                        success -> assertThat(new String(success.body())).isEqualTo("{\"over\":\"tls\"}"));
    }

    @Test
    void refusesAnHttpsHandlerWhoseCertificateIsNotTrusted() throws Exception {
        client = new HandlerClient(Duration.ofSeconds(5), 1024, Clock.systemUTC(), null);

        assertThat(call("https://127.0.0.1:" + server.getAddress().getPort()))
                .isInstanceOfSatisfying(CallResult.Retryable.class, refused -> {
                    assertThat(refused.kind()).isEqualTo(CallFailure.CONNECTION);
                    assertThat(refused.failure()).startsWith("I/O error: SSLHandshakeException");
                });
    }

    private CallResult call(String endpoint) throws Exception {
        HandlerTarget target = new HandlerTarget("Greeter", "greet", ServiceType.SERVICE, HandlerType.SHARED,
                URI.create(endpoint), InputFormat.JSON, null, RetrySettings.inherit());
        ClaimedInvocation invocation = new ClaimedInvocation("inv-1", "Greeter", "greet", null, false,
                "{}".getBytes(), List.of(), null, 1);
        return client.call(target, invocation, Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
    }

    private static PrivateKey privateKey(TestCertificates.Identity identity) throws Exception {
        String base64 = identity.keyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
    }

    private static List<Certificate> certificates(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }
}
