package dev.ferry.testsupport;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.FerryApplication;

/**
 * A real Ferry, started in this JVM on 127.0.0.1 and a random port, against a database of the shared
 * test PostgreSQL. Tests talk to it through its REST API, as a user does.
 */
public final class FerryInstance implements AutoCloseable {

    /** One random key per test JVM, so that every Ferry the tests start can store (and read back) secrets. */
    public static final String ENCRYPTION_KEY = randomKey();

    private final ConfigurableApplicationContext context;
    private final String databaseUrl;

    private FerryInstance(ConfigurableApplicationContext context, String databaseUrl) {
        this.context = context;
        this.databaseUrl = databaseUrl;
    }

    /** Starts Ferry on a fresh database. */
    public static FerryInstance start(String name, Map<String, String> properties) {
        return startOn(TestInfrastructure.freshDatabase(name), properties);
    }

    /** Starts Ferry on the given database, e.g. one an earlier instance used. */
    public static FerryInstance startOn(String databaseUrl, Map<String, String> properties) {
        EmbeddedDatabase database = TestInfrastructure.database();
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("server.address", "127.0.0.1");
        all.put("server.port", "0");
        all.put("spring.datasource.url", databaseUrl);
        all.put("spring.datasource.username", database.username());
        all.put("spring.datasource.password", database.password());
        all.put("ferry.dispatch.poll-interval", "200ms");
        all.put("ferry.consumer.reconcile-interval", "2s");
        all.put("spring.main.banner-mode", "off");
        all.put("ferry.security.encryption-key", ENCRYPTION_KEY);
        all.putAll(properties);
        // as command-line arguments, so they win over application.yml
        String[] arguments = all.entrySet().stream().map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(FerryApplication.class).run(arguments);
        return new FerryInstance(context, databaseUrl);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String baseUrl() {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return "http://127.0.0.1:" + port;
    }

    public Api api() {
        return new Api(baseUrl());
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    /** Where this Ferry's application events are published. */
    public ApplicationEventPublisher events() {
        return context;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
