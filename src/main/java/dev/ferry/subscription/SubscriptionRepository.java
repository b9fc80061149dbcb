package dev.ferry.subscription;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface SubscriptionRepository extends JpaRepository<Subscription, String> {

    List<Subscription> findAllByOrderByCreatedAtAsc();

    List<Subscription> findByClusterNameOrderByCreatedAtAsc(String clusterName);

    List<Subscription> findByServiceNameOrderByCreatedAtAsc(String serviceName);
}
