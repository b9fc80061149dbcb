package dev.ferry.service;

/** A service was registered or deleted. */
public record ServiceChanged(String name) {
}
