package dev.ferry.console;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.cluster.KafkaClusterView;
import dev.ferry.invocation.InvocationReader;
import dev.ferry.service.ServiceDescriptors.HandlerDescriptor;
import dev.ferry.service.ServiceDescriptors.ServiceView;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.subscription.ConsumerStatus;
import dev.ferry.subscription.ConsumerStatuses;
import dev.ferry.subscription.SubscriptionRegistry;
import dev.ferry.subscription.SubscriptionView;

/** The console's front page: clusters, subscriptions and services at a glance; its live part reloads itself. */
@Controller
class OverviewPage {

    /** A subscription with what its consumer does, its rates, lag and invocation counts. */
    record SubscriptionRow(SubscriptionView subscription, @Nullable ConsumerStatus consumer, double inRate,
            double completedRate, List<Charts.Bar> lag, long totalLag, Map<String, Long> counts) {
    }

    /** A handler with its unfinished invocations, completions per second and latency chart. */
    record HandlerRow(HandlerDescriptor handler, long unfinished, double completedRate,
            Charts.LatencyChart latency) {
    }

    record ServiceRow(ServiceView service, List<HandlerRow> handlers) {
    }

    private final KafkaClusterRegistry clusters;
    private final SubscriptionRegistry subscriptions;
    private final ServiceRegistry services;
    private final InvocationReader invocations;
    private final ObjectProvider<ConsumerStatuses> consumers;
    private final ConsoleMeters meters;

    OverviewPage(KafkaClusterRegistry clusters, SubscriptionRegistry subscriptions, ServiceRegistry services,
            InvocationReader invocations, ObjectProvider<ConsumerStatuses> consumers, ConsoleMeters meters) {
        this.clusters = clusters;
        this.subscriptions = subscriptions;
        this.services = services;
        this.invocations = invocations;
        this.consumers = consumers;
        this.meters = meters;
    }

    @GetMapping({"/console", "/console/"})
    String overview(Model model) {
        fill(model);
        return "console/overview";
    }

    /** The self-refreshing part alone, for htmx to swap in. */
    @GetMapping("/console/overview/live")
    String live(Model model) {
        fill(model);
        return "console/overview :: live";
    }

    private void fill(Model model) {
        List<KafkaClusterView> clusterList = clusters.list();
        List<SubscriptionView> subscriptionList = subscriptions.list(null, null);
        model.addAttribute("clusters", clusterList);
        model.addAttribute("users", clusterList.stream().collect(Collectors.toMap(KafkaClusterView::name,
                cluster -> subscriptionList.stream()
                        .filter(each -> each.source().startsWith("kafka://" + cluster.name() + "/")).count())));
        model.addAttribute("subscriptions", subscriptionList.stream().map(this::row).toList());
        model.addAttribute("services", services.list().stream().map(this::row).toList());
    }

    SubscriptionRow row(SubscriptionView subscription) {
        List<ConsoleMeters.Lag> lag = meters.lag(subscription.id());
        String[] sink = ConsoleText.sinkParts(subscription.sink());
        return new SubscriptionRow(subscription, consumer(subscription.id()).orElse(null),
                meters.ingestRate(subscription.id()), meters.completionRate(sink[0], sink[1]), Charts.lagBars(lag),
                lag.stream().mapToLong(ConsoleMeters.Lag::lag).sum(),
                StatusCounts.of(invocations, StatusCounts.ofSubscription(subscription.id())));
    }

    Optional<ConsumerStatus> consumer(String subscriptionId) {
        ConsumerStatuses statuses = consumers.getIfAvailable();
        return statuses == null ? Optional.empty() : statuses.find(subscriptionId);
    }

    private ServiceRow row(ServiceView service) {
        return new ServiceRow(service, service.handlers().stream().map(handler -> new HandlerRow(handler,
                StatusCounts.unfinished(StatusCounts.of(invocations,
                        StatusCounts.ofHandler(service.name(), handler.name()))),
                meters.completionRate(service.name(), handler.name()),
                Charts.latency(meters.latency(service.name(), handler.name())))).toList());
    }
}
