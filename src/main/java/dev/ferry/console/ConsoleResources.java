package dev.ferry.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * Serves the console's stylesheet and htmx from the jar under {@code /console}, so the pages load nothing
 * from elsewhere and the console's security covers them too. htmx comes from its webjar, found without
 * naming its version ({@code /console/webjars/htmx.org/dist/htmx.min.js}).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleResources implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/assets/**").addResourceLocations("classpath:/static/console/");
        registry.addResourceHandler("/console/webjars/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true).addResolver(new LiteWebJarsResourceResolver());
    }
}
