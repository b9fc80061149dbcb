package dev.ferry.cluster;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface KafkaClusterRepository extends JpaRepository<KafkaCluster, String> {

    List<KafkaCluster> findAllByOrderByNameAsc();
}
