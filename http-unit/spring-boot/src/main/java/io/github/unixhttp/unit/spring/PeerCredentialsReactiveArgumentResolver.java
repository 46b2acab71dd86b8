package io.github.unixhttp.unit.spring;

import java.util.Optional;

import io.github.unixhttp.core.PeerCredentials;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code PeerCredentials} parameters in WebFlux handler methods, as {@link PeerCredentialsArgumentResolver} gives them
 * to Spring MVC: required unless {@code Optional}, a request without them (over TCP) refused with
 * {@link NoPeerCredentialsException} (403). Reads what {@link PeerCredentialsWebFilter} put on the exchange.
 */
public class PeerCredentialsReactiveArgumentResolver implements HandlerMethodArgumentResolver
{
    @Override
    public boolean supportsParameter(MethodParameter parameter)
    {
        return parameter.nestedIfOptional().getNestedParameterType() == PeerCredentials.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange)
    {
        Object attribute = exchange.getAttribute(PeerCredentials.ATTRIBUTE);
        PeerCredentials peer = attribute instanceof PeerCredentials credentials ? credentials : null;
        if (parameter.getParameterType() == Optional.class)
            return Mono.just(Optional.ofNullable(peer));
        if (peer == null)
            return Mono.error(new NoPeerCredentialsException(parameter));
        return Mono.just(peer);
    }
}
