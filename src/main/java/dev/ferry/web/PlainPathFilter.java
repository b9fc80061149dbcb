package dev.ferry.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses paths with {@code .} or {@code ..} segments or {@code ;} parameters (400), before anything
 * decides on them: the servlet container removes them while Spring MVC routes the raw path, so such a path
 * could mean one thing to a filter and another to the router. Clients send paths in their plain form;
 * a key or name holding these characters is percent-encoded ({@code %3B} for ';'), and an RPC key may
 * not be {@code .} or {@code ..} itself.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class PlainPathFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String irregularity = RequestPaths.irregularity(request);
        if (irregularity == null) {
            chain.doFilter(request, response);
            return;
        }
        Problems.write(response, Problems.of(HttpServletResponse.SC_BAD_REQUEST, "invalid-path", "Invalid path",
                "The path holds " + irregularity
                        + ", which Ferry does not accept: send the path in its plain form,"
                        + " without '.' or '..' segments or ';' parameters, and percent-encode ';' in names"
                        + " and keys."));
    }
}
