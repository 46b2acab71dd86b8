package io.github.unixhttp.jettyhome.webapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The test webapp's servlet: prints the peer credentials the connector put on the request, as a webapp reads them
 * without depending on unixhttp.
 */
public class PeerServlet extends HttpServlet
{
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().printf("uid=%s gid=%s user=%s pid=%s%n",
            request.getAttribute("io.github.unixhttp.peer.uid"),
            request.getAttribute("io.github.unixhttp.peer.gid"),
            request.getAttribute("io.github.unixhttp.peer.user"),
            request.getAttribute("io.github.unixhttp.peer.pid"));
    }
}
