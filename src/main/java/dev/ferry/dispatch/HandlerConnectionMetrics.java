package dev.ferry.dispatch;

import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpDestination;

/**
 * Gauges of the connection pools of plain HTTP handler calls, read from Jetty's pools when scraped, summed over
 * the endpoints (so that the number of series does not grow with the endpoints): connections by state (in use,
 * idle, being opened), the most in use to any one endpoint beside the limit per endpoint, and the calls queued
 * for a connection. The busiest endpoint at its limit with calls queued means calls wait for connections.
 */
final class HandlerConnectionMetrics implements MeterBinder {

    private final HttpClient http;

    HandlerConnectionMetrics(HttpClient http) {
        this.http = http;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        connections(registry, "active", "Connections to handlers carrying a call now",
                AbstractConnectionPool::getActiveConnectionCount);
        connections(registry, "idle", "Open connections to handlers waiting for the next call",
                AbstractConnectionPool::getIdleConnectionCount);
        connections(registry, "pending", "Connections to handlers being opened",
                AbstractConnectionPool::getPendingConnectionCount);
        Gauge.builder("ferry.handler.http.connections.busiest", this, metrics -> metrics.busiest())
                .description("The most connections carrying a call to any one handler endpoint").register(registry);
        Gauge.builder("ferry.handler.http.connections.limit", http, HttpClient::getMaxConnectionsPerDestination)
                .description("Connections per handler endpoint at most (ferry.dispatch.http"
                        + ".max-connections-per-endpoint)").register(registry);
        Gauge.builder("ferry.handler.http.queued", this, metrics -> metrics.queued())
                .description("Calls waiting for a connection to their handler's endpoint").register(registry);
        Gauge.builder("ferry.handler.http.endpoints", this, metrics -> metrics.http.getDestinations().size())
                .description("Handler endpoints with a connection pool").register(registry);
    }

    private void connections(MeterRegistry registry, String state, String description,
            ToIntFunction<AbstractConnectionPool> count) {
        Gauge.builder("ferry.handler.http.connections", this, metrics -> metrics.sum(count))
                .tag("state", state).description(description).register(registry);
    }

    private int sum(ToIntFunction<AbstractConnectionPool> count) {
        int sum = 0;
        for (Destination destination : http.getDestinations()) {
            if (destination.getConnectionPool() instanceof AbstractConnectionPool pool) {
                sum += count.applyAsInt(pool);
            }
        }
        return sum;
    }

    private int busiest() {
        int most = 0;
        for (Destination destination : http.getDestinations()) {
            if (destination.getConnectionPool() instanceof AbstractConnectionPool pool) {
                most = Math.max(most, pool.getActiveConnectionCount());
            }
        }
        return most;
    }

    private int queued() {
        int sum = 0;
        for (Destination destination : http.getDestinations()) {
            if (destination instanceof HttpDestination queue) {
                sum += queue.getQueuedRequestCount();
            }
        }
        return sum;
    }
}
