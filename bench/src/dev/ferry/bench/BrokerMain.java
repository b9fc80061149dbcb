package dev.ferry.bench;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import dev.ferry.testsupport.EmbeddedKafkaBroker;

/**
 * Runs the test suite's KRaft broker as a process of its own, so the benchmark can tell its CPU apart from
 * Ferry's. Usage: {@code BrokerMain <port> <log-dir>}; binds 127.0.0.1 only and runs until it is stopped.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Path logDir = Path.of(args[1]);
        Lifetime.boundTo(Lifetime.fromProperty());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(port).logDir(logDir).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("Broker listening on " + broker.bootstrapServers() + ", log dir " + logDir);
        stopped.await();
    }
}
