package dev.ferry.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates topics on the shared broker, for tests that need more than the one partition auto-creation gives. */
public final class Topics {

    private Topics() {
    }

    /** Creates a topic with {@code partitions} partitions and waits until the broker has it. */
    public static void create(String topic, int partitions) {
        create(topic, partitions, Map.of());
    }

    /**
     * Creates a topic with {@code partitions} partitions and the given topic configs, and waits until the broker
     * has it.
     */
    public static void create(String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + topic, e.getCause());
        }
    }
}
