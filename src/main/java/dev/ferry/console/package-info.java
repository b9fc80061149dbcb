/**
 * The web console at {@code /console}: server-rendered pages (Thymeleaf, with htmx served from its webjar) that
 * show clusters, subscriptions, services, invocations and object state, and act on them through the same
 * services the REST API calls. With an admin token configured, a login form asks for it once and the session
 * holds the login; every form carries Spring Security's CSRF token. Spring Security's filter chain covers
 * {@code /console} only; the API keeps its own bearer-token filter.
 */
@NullMarked
package dev.ferry.console;

import org.jspecify.annotations.NullMarked;
