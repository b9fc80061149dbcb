/**
 * Registered services and their handlers: the HTTP endpoint Ferry calls, the service type
 * ({@code SERVICE}, {@code VIRTUAL_OBJECT}, {@code WORKFLOW}) and each handler's type, input format,
 * timeout and retry policy. Other features look targets up through {@link dev.ferry.service.ServiceRegistry}.
 */
package dev.ferry.service;
