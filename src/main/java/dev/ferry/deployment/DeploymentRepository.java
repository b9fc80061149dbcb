package dev.ferry.deployment;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

interface DeploymentRepository extends JpaRepository<Deployment, String> {

    Optional<Deployment> findByUri(String uri);

    List<Deployment> findAllByOrderByCreatedAtAsc();
}
