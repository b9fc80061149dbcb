package dev.ferry.console;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;

import dev.ferry.security.BearerTokens;
import dev.ferry.security.Role;
import dev.ferry.security.SecurityProperties;

/**
 * Spring Security for the console: a session login with an admin token, CSRF on every form, and a content
 * security policy that lets pages load nothing from elsewhere. This chain takes {@code /console} paths only;
 * everything else goes through the stateless bearer-token chain of {@code dev.ferry.security}, whose answers
 * carry no session, CSRF or headers of the console's.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

    static final String ADMIN = "ferry-admin";

    private static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
            + " script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain consoleFilterChain(HttpSecurity http, SecurityProperties properties) {
        boolean tokenRequired = !properties.apiOpen();
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

    /** Checks the token typed into the login form against the configured admin tokens. */
    @Bean
    AuthenticationProvider adminTokenLogin(BearerTokens tokens) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                Object presented = authentication.getCredentials();
                if (!(presented instanceof String token) || tokens.roleOf(token).orElse(null) != Role.ADMIN) {
                    throw new BadCredentialsException("That is not one of Ferry's admin tokens.");
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
}
