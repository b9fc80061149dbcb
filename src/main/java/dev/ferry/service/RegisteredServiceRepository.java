package dev.ferry.service;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface RegisteredServiceRepository extends JpaRepository<RegisteredService, String> {

    List<RegisteredService> findAllByOrderByNameAsc();

    List<RegisteredService> findByResultClusterOrderByNameAsc(String resultCluster);
}
