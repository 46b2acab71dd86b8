package io.github.unixhttp.unit.spring;

import java.util.List;

import io.github.unixhttp.connector.UnixSocketConnector;
import org.eclipse.jetty.server.Server;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves a Spring Boot web application on a Unix socket when {@code unixhttp.server.socket-path} (or
 * {@code unixhttp.server.inherit=true}) is set; see {@link UnixHttpServerProperties} for the rest.
 */
@AutoConfiguration
@ConditionalOnWebApplication
@ConditionalOnClass({ Server.class, JettyServerCustomizer.class, UnixSocketConnector.class })
@Conditional(UnixHttpServerAutoConfiguration.SocketConfigured.class)
@EnableConfigurationProperties(UnixHttpServerProperties.class)
public class UnixHttpServerAutoConfiguration
{
    /**
     * Last among the application's own Jetty customizers, so that those still find Spring Boot's TCP connector where
     * they expect it (and what they change in its HTTP configuration reaches the socket, which shares it); before
     * Spring Boot's property-driven ones, so that those reach the socket too.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    UnixSocketServerCustomizer unixSocketServerCustomizer(UnixHttpServerProperties properties,
                                                          ConfigurableApplicationContext application)
    {
        return new UnixSocketServerCustomizer(properties, application);
    }

    @Bean
    UnixSocketStartupReport unixSocketStartupReport(UnixHttpServerProperties properties)
    {
        return new UnixSocketStartupReport(properties);
    }

    /** {@code PeerCredentials} parameters in Spring MVC handler methods. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class PeerCredentialsMvcConfiguration implements WebMvcConfigurer
    {
        @Override
        public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers)
        {
            resolvers.add(new PeerCredentialsArgumentResolver());
        }
    }

    /**
     * The credentials on WebFlux exchanges ({@code exchange.getAttribute(PeerCredentials.ATTRIBUTE)}) and as
     * {@code PeerCredentials} parameters of WebFlux handler methods.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(WebFluxConfigurer.class)
    static class PeerCredentialsWebFluxConfiguration implements WebFluxConfigurer
    {
        @Bean
        PeerCredentialsWebFilter peerCredentialsWebFilter()
        {
            return new PeerCredentialsWebFilter();
        }

        @Override
        public void configureArgumentResolvers(ArgumentResolverConfigurer configurer)
        {
            configurer.addCustomResolver(new PeerCredentialsReactiveArgumentResolver());
        }
    }

    /** On when a socket path is set or a socket is to be inherited. */
    static final class SocketConfigured extends AnyNestedCondition
    {
        SocketConfigured()
        {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = UnixHttpServerProperties.PREFIX, name = "socket-path")
        static final class SocketPath
        {
        }

        @ConditionalOnProperty(prefix = UnixHttpServerProperties.PREFIX, name = "inherit", havingValue = "true")
        static final class Inherit
        {
        }

        @ConditionalOnProperty(prefix = UnixHttpServerProperties.PREFIX, name = "inherit-name")
        static final class InheritName
        {
        }
    }
}
