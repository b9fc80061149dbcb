package dev.ferry;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Ferry connects Kafka topics to HTTP handlers: every record becomes a durable invocation in
 * PostgreSQL that is pushed to its handler with retries and per-key ordering. Its bean methods call no other
 * bean method, so the class is used as it is rather than through a generated subclass (which the JDK's AOT cache
 * could not carry into the next start).
 */
@SpringBootApplication(proxyBeanMethods = false)
@ConfigurationPropertiesScan
@EnableScheduling
public class FerryApplication {

    /** The time source; tests replace it to move time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    public static void main(String[] args) {
        SpringApplication.run(FerryApplication.class, args);
    }
}
