package dev.ferry.restate;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The two Jetty clients towards deployments: HTTP/2 cleartext with prior knowledge (what {@code
 * http2.createServer} endpoints accept), and HTTP/1.1. They share one small thread pool and one scheduler:
 * calls are asynchronous, so no thread waits for an answer. Started on first use.
 */
final class JettyClients implements AutoCloseable {

    /** The two clients, started together, with the pool and the scheduler they share. */
    private record Clients(HttpClient http2, HttpClient http11, QueuedThreadPool pool,
            ScheduledExecutorScheduler scheduler) {
    }

    private final RestateProperties properties;
    /** Read on every attempt, without a lock: virtual threads calling at once would queue on a monitor. */
    private volatile Clients clients;

    JettyClients(RestateProperties properties) {
        this.properties = properties;
    }

    HttpClient client(boolean useHttp11) {
        Clients started = clients;
        if (started == null) {
            started = start();
        }
        return useHttp11 ? started.http11() : started.http2();
    }

    private synchronized Clients start() {
        if (clients != null) {
            return clients;
        }
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("restate-client");
        pool.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("restate-client-scheduler", true);
        HttpClient http2 = null;
        HttpClient http11 = null;
        try {
            pool.start();
            scheduler.start();
            HTTP2Client h2 = new HTTP2Client(connector(pool, scheduler));
            // Jetty's connection pool opens another connection when each one carries this many attempts
            h2.setMaxLocalStreams(properties.maxStreamsPerConnection());
            http2 = configure(new HttpClient(new HttpClientTransportOverHTTP2(h2)), pool, scheduler);
            http11 = configure(new HttpClient(new HttpClientTransportOverHTTP(connector(pool, scheduler))), pool,
                    scheduler);
            http2.start();
            http11.start();
            withoutAuthentication(http2);
            withoutAuthentication(http11);
        } catch (Exception e) {
            stop(http2, http11, scheduler, pool);
            throw new IllegalStateException("could not start the HTTP client towards Restate deployments", e);
        }
        clients = new Clients(http2, http11, pool, scheduler);
        return clients;
    }

    /**
     * A deployment that verifies request identity answers 401 without a challenge; Jetty's authentication handler
     * would turn that into a protocol violation and hide the status. Ferry reports the status itself.
     */
    static void withoutAuthentication(HttpClient client) {
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
    }

    private ClientConnector connector(QueuedThreadPool pool, ScheduledExecutorScheduler scheduler) {
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(pool);
        connector.setScheduler(scheduler);
        connector.setConnectTimeout(properties.connectTimeout());
        return connector;
    }

    private HttpClient configure(HttpClient client, QueuedThreadPool pool, ScheduledExecutorScheduler scheduler) {
        client.setExecutor(pool);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setConnectTimeout(properties.connectTimeout().toMillis());
        client.setUserAgentField(null);
        return client;
    }

    @Override
    public synchronized void close() {
        Clients started = clients;
        clients = null;
        if (started != null) {
            stop(started.http2(), started.http11(), started.scheduler(), started.pool());
        }
    }

    private static void stop(LifeCycle... components) {
        for (LifeCycle component : components) {
            if (component != null) {
                try {
                    component.stop();
                } catch (Exception e) {
                    // stopping: nothing left to do with it
                }
            }
        }
    }
}
