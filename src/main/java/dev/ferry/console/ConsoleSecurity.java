package dev.ferry.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;

import dev.ferry.security.SecurityProperties;

/**
 * Spring Security for the console alone: a session login with the admin token, CSRF on every form, and a
 * content security policy that lets pages load nothing from elsewhere. The servlet filter is registered for
 * {@code /console} paths only, so the REST API, Swagger UI and actuator answer exactly as before (their
 * bearer token is checked by {@code AdminTokenFilter}).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

    static final String ADMIN = "ferry-admin";

    private static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
            + " script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Bean
    SecurityFilterChain consoleFilterChain(HttpSecurity http, SecurityProperties properties) {
        boolean tokenRequired = properties.adminToken() != null;
        http.securityMatcher("/console", "/console/**")
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers("/console/login", "/console/assets/**", "/console/webjars/**")
                            .permitAll();
                    if (tokenRequired) {
                        requests.anyRequest().hasRole("ADMIN");
                    } else {
                        requests.anyRequest().permitAll();
                    }
                })
                .formLogin(login -> login.loginPage("/console/login").usernameParameter("user")
                        .passwordParameter("token").defaultSuccessUrl("/console", true)
                        .failureUrl("/console/login?error"))
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl("/console/login?logout"))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(POLICY)));
        return http.build();
    }

    /** Checks the token typed into the login form against the configured admin token. */
    @Bean
    AuthenticationProvider adminTokenLogin(SecurityProperties properties) {
        byte @Nullable [] expected = properties.adminToken() == null ? null : sha256(properties.adminToken());
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                Object presented = authentication.getCredentials();
                if (expected == null || !(presented instanceof String token)
                        || !MessageDigest.isEqual(expected, sha256(token))) {
                    throw new BadCredentialsException("That is not Ferry's admin token.");
                }
                return UsernamePasswordAuthenticationToken.authenticated(ADMIN, null,
                        List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

    /**
     * Narrows Spring Boot's registration of Spring Security's filter from every path to the console's, so its
     * firewall, headers and session handling never touch an API request.
     */
    @Bean
    static BeanPostProcessor consoleOnlySecurityFilter() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && "securityFilterChainRegistration".equals(beanName)) {
                    registration.setUrlPatterns(List.of("/console", "/console/*"));
                }
                return bean;
            }
        };
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
