package io.github.unixhttp.examples.dropwizard;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/**
 * Answers with the caller's credentials, which the connector read from the socket at accept: the kernel vouches
 * for them, no header can fake them.
 */
@Path("/whoami")
@Produces(MediaType.TEXT_PLAIN)
public class WhoAmIResource
{
    @GET
    public String whoami(@Context HttpServletRequest request)
    {
        return "uid=" + request.getAttribute("io.github.unixhttp.peer.uid") +
            " user=" + request.getAttribute("io.github.unixhttp.peer.user") +
            " pid=" + request.getAttribute("io.github.unixhttp.peer.pid") + "\n";
    }
}
