package io.github.unixhttp.unit.spring;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.unixhttp.core.PeerCredentials;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Puts the peer's credentials on a WebFlux exchange, where WebFlux code looks for them:
 * {@code exchange.getAttribute(PeerCredentials.ATTRIBUTE)}, {@code @RequestAttribute(PeerCredentials.UID_ATTRIBUTE)},
 * or a {@code PeerCredentials} parameter ({@link PeerCredentialsReactiveArgumentResolver}). On Jetty they are
 * attributes of the native request (Jetty's own, or the servlet request Spring Boot serves WebFlux through), which
 * WebFlux keeps apart from the exchange's. Runs first; a request that did not
 * come over the socket (TCP, with {@code unixhttp.server.keep-tcp=true}) gets none.
 */
public class PeerCredentialsWebFilter implements WebFilter, Ordered
{
    private static final List<String> ATTRIBUTES = List.of(PeerCredentials.ATTRIBUTE, PeerCredentials.PID_ATTRIBUTE,
        PeerCredentials.UID_ATTRIBUTE, PeerCredentials.GID_ATTRIBUTE, PeerCredentials.GROUPS_ATTRIBUTE,
        PeerCredentials.USER_ATTRIBUTE, PeerCredentials.GROUP_ATTRIBUTE);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain)
    {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (nativeRequest instanceof org.eclipse.jetty.server.Request jetty)
            copy(jetty::getAttribute, exchange.getAttributes());
        else if (SERVLET_API)
            ServletRequests.copy(nativeRequest, exchange.getAttributes());
        return chain.filter(exchange);
    }

    private static void copy(Function<String, Object> source, Map<String, Object> attributes)
    {
        for (String name : ATTRIBUTES)
        {
            Object value = source.apply(name);
            if (value != null)
                attributes.put(name, value);
        }
    }

    /** Spring Boot serves WebFlux on Jetty through a servlet; the servlet API is looked at only where it is present. */
    private static final boolean SERVLET_API = ClassUtils.isPresent("jakarta.servlet.ServletRequest", PeerCredentialsWebFilter.class.getClassLoader());

    private static final class ServletRequests
    {
        static void copy(Object nativeRequest, Map<String, Object> attributes)
        {
            if (nativeRequest instanceof jakarta.servlet.ServletRequest servlet)
                PeerCredentialsWebFilter.copy(servlet::getAttribute, attributes);
        }
    }

    @Override
    public int getOrder()
    {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
