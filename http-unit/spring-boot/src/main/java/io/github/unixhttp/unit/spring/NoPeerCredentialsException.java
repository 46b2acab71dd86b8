package io.github.unixhttp.unit.spring;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A handler method takes {@code PeerCredentials} but the request has none: it did not come over the Unix socket
 * (it came over TCP, kept with {@code unixhttp.server.keep-tcp=true}). Answered 403 Forbidden, since a method that
 * asks who the caller is must not run without knowing. Take {@code Optional<PeerCredentials>} to serve both.
 */
public class NoPeerCredentialsException extends ResponseStatusException
{
    public NoPeerCredentialsException(MethodParameter parameter)
    {
        super(HttpStatus.FORBIDDEN, "No peer credentials: the request did not come over the Unix socket, and " +
            parameter.getExecutable().toGenericString() + " needs them");
    }
}
