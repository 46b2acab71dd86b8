package io.github.unixhttp.unit.spring;

import java.util.Optional;

import io.github.unixhttp.core.PeerCredentials;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives Spring MVC handler methods the credentials of the process that sent the request, as the kernel reported them
 * when it connected to the Unix socket:
 *
 * <pre>{@code
 * @GetMapping("/whoami")
 * String whoami(PeerCredentials peer) { return peer.userName(); }
 *
 * @GetMapping("/either")
 * String either(Optional<PeerCredentials> peer) { ... }   // empty for a request over TCP (keep-tcp=true)
 * }</pre>
 *
 * A {@code PeerCredentials} parameter is required: a request that did not come over the socket (over TCP with
 * {@code unixhttp.server.keep-tcp=true}) is refused with {@link NoPeerCredentialsException} (403) instead of
 * reaching the method with nothing to decide on. Single values are also request attributes:
 * {@code @RequestAttribute("io.github.unixhttp.peer.uid") int uid}.
 */
public class PeerCredentialsArgumentResolver implements HandlerMethodArgumentResolver
{
    @Override
    public boolean supportsParameter(MethodParameter parameter)
    {
        return parameter.nestedIfOptional().getNestedParameterType() == PeerCredentials.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer, NativeWebRequest webRequest,
                                  WebDataBinderFactory binderFactory)
    {
        Object attribute = webRequest.getAttribute(PeerCredentials.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        PeerCredentials peer = attribute instanceof PeerCredentials credentials ? credentials : null;
        if (parameter.getParameterType() == Optional.class)
            return Optional.ofNullable(peer);
        if (peer == null)
            throw new NoPeerCredentialsException(parameter);
        return peer;
    }
}
