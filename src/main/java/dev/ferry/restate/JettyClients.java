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

    private final RestateProperties properties;
    private HttpClient http2;
    private HttpClient http11;
    private QueuedThreadPool pool;
    private ScheduledExecutorScheduler scheduler;

    JettyClients(RestateProperties properties) {
        this.properties = properties;
    }

    synchronized HttpClient client(boolean useHttp11) {
        if (pool == null) {
            start();
        }
        return useHttp11 ? http11 : http2;
    }

    private void start() {
        pool = new QueuedThreadPool(16, 2);
        pool.setName("restate-client");
        pool.setDaemon(true);
        scheduler = new ScheduledExecutorScheduler("restate-client-scheduler", true);
        try {
            pool.start();
            scheduler.start();
            http2 = configure(new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector()))));
            http11 = configure(new HttpClient(new HttpClientTransportOverHTTP(connector())));
            http2.start();
            http11.start();
            withoutAuthentication(http2);
            withoutAuthentication(http11);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("could not start the HTTP client towards Restate deployments", e);
        }
    }

    /**
     * A deployment that verifies request identity answers 401 without a challenge; Jetty's authentication handler
     * would turn that into a protocol violation and hide the status. Ferry reports the status itself.
     */
    static void withoutAuthentication(HttpClient client) {
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
    }

    private ClientConnector connector() {
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(pool);
        connector.setScheduler(scheduler);
        connector.setConnectTimeout(properties.connectTimeout());
        return connector;
    }

    private HttpClient configure(HttpClient client) {
        client.setExecutor(pool);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setConnectTimeout(properties.connectTimeout().toMillis());
        client.setUserAgentField(null);
        return client;
    }

    @Override
    public synchronized void close() {
        for (var component : new LifeCycle[] {http2, http11, scheduler, pool}) {
            if (component != null) {
                try {
                    component.stop();
                } catch (Exception e) {
                    // stopping: nothing left to do with it
                }
            }
        }
        http2 = null;
        http11 = null;
        scheduler = null;
        pool = null;
    }
}
