package dev.ferry.cluster;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface KafkaClusterRepository extends JpaRepository<KafkaCluster, String> {

    List<KafkaCluster> findAllByOrderByNameAsc();

    @Query("select c.name from KafkaCluster c order by c.name")
    List<String> findAllNames();
}
