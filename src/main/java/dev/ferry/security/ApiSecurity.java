package dev.ferry.security;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.ferry.web.RequestPaths;

/**
 * Spring Security for everything outside the console: the admin API, the RPC ingress, the actuator and the API
 * documentation. A bearer token is one of the configured tokens (each of one {@link Role}) or, with
 * {@code ferry.security.oidc} set, a JWT of the configured issuer; {@link EndpointAccess} says which roles each
 * endpoint family takes. Stateless: no session, no CSRF (there is no cookie to forge with), and the answers keep
 * their own headers. With no credential configured every request passes as admin, as before roles, and a warning
 * says so at start-up.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {

    private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);

    /** Where Spring Security's filter runs: right after the check for plain paths, before anything else reads. */
    private static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 10)
    SecurityFilterChain apiFilterChain(HttpSecurity http, SecurityProperties properties, BearerTokens tokens) {
        RequestMatcher outsideConsole = request -> !isConsole(RequestPaths.routed(request));
        http.securityMatcher(outsideConsole)
                .csrf(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        announce(properties);
        if (properties.apiOpen()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .addFilterBefore(new OpenAsAdmin(), AuthorizationFilter.class);
            return http.build();
        }
        AccessProblems problems = new AccessProblems(properties.oidc().enabled());
        AuthenticationManager manager = manager(properties, tokens);
        AuthenticationManager lenient = anonymousIfRefused(manager);
        http.authorizeHttpRequests(requests -> requests
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .anyRequest().access(byEndpointFamily()))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .oauth2ResourceServer(server -> server
                        .authenticationManagerResolver(request -> isOpen(request) ? lenient : manager)
                        .authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }

    /** Says at start-up whether the API is open (a warning) or which credentials it takes, never their values. */
    static void announce(SecurityProperties properties) {
        if (properties.apiOpen()) {
            log.warn("The admin API is open: anyone who can reach Ferry can change clusters, services and"
                    + " subscriptions. Set ferry.security.admin-token (FERRY_SECURITY_ADMIN_TOKEN), or tokens per"
                    + " role (ferry.security.tokens.*), to require 'Authorization: Bearer <token>'.");
        } else {
            log.info("The API requires a bearer token: {} admin, {} ingress and {} read-only token(s){}",
                    properties.adminTokens().size(), properties.tokens().ingress().size(),
                    properties.tokens().readOnly().size(), properties.oidc().enabled() ? ", and OIDC JWTs" : "");
        }
    }

    /** The configured tokens first; a token that is none of them is tried as a JWT when OIDC is on. */
    private static AuthenticationManager manager(SecurityProperties properties, BearerTokens tokens) {
        List<AuthenticationProvider> providers = new ArrayList<>();
        providers.add(new StaticTokenAuthentication(tokens, properties.oidc().enabled()));
        if (properties.oidc().enabled()) {
            providers.add(OidcJwts.provider(properties.oidc()));
        }
        ProviderManager manager = new ProviderManager(providers);
        manager.setEraseCredentialsAfterAuthentication(true);
        return manager;
    }

    /**
     * On the open endpoints a token that is not valid counts as none, as it did before roles: health answers a
     * prober that sends a stale token, only without the details that a valid one would show.
     */
    private static AuthenticationManager anonymousIfRefused(AuthenticationManager manager) {
        return authentication -> {
            try {
                return manager.authenticate(authentication);
            } catch (AuthenticationException refused) {
                return new AnonymousAuthenticationToken("ferry", "anonymous",
                        List.of(new SimpleGrantedAuthority("ROLE_ANONYMOUS")));
            }
        };
    }

    private static boolean isOpen(HttpServletRequest request) {
        return EndpointAccess.of(request.getMethod(), RequestPaths.routed(request)) == EndpointAccess.OPEN;
    }

    private static AuthorizationManager<RequestAuthorizationContext> byEndpointFamily() {
        return (authentication, context) -> {
            HttpServletRequest request = context.getRequest();
            EndpointAccess access = EndpointAccess.of(request.getMethod(), RequestPaths.routed(request));
            Authentication current = authentication.get();
            boolean granted = access == EndpointAccess.OPEN || (current != null && current.isAuthenticated()
                    && current.getAuthorities().stream().flatMap(authority -> Role.of(authority).stream())
                            .anyMatch(access::allows));
            return new AuthorizationDecision(granted);
        };
    }

    static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    /**
     * Spring Security's firewall, as lenient on encoded characters as the router: names and keys in paths may
     * hold a percent-encoded '%', '.' or ';'. What would make the filter and the router read a path
     * differently is refused before by {@code PlainPathFilter}.
     */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowUrlEncodedPercent(true);
        firewall.setAllowUrlEncodedPeriod(true);
        firewall.setAllowSemicolon(true);
        return firewall;
    }

    /**
     * Runs Spring Security's filter for every path (Spring Boot's default) early: before the filters that read
     * a request's body or time it, as the token check did before Spring Security took it over.
     */
    @Bean
    static BeanPostProcessor earlySecurityFilter() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && "securityFilterChainRegistration".equals(beanName)) {
                    registration.setOrder(FILTER_ORDER);
                }
                return bean;
            }
        };
    }

    /**
     * Marks every request of an open API as the admin's, which is what
     * {@code management.endpoint.health.show-details=when-authorized} checks: health details for everyone.
     */
    private static final class OpenAsAdmin extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                    "ferry-open", null, List.of(Role.ADMIN.authority())));
            chain.doFilter(request, response);
        }
    }
}
