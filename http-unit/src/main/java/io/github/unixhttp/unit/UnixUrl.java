package io.github.unixhttp.unit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An {@code http+unix://} URL, as Python's requests-unixsocket writes them: the percent-encoded socket path is the
 * authority, followed by the request path and query.
 *
 * <pre>
 * http+unix://%2Frun%2Fapp.sock/api/status?x=1   -&gt;  /run/app.sock  +  http://localhost/api/status?x=1
 * http+unix://%00myapp/ping  or  http+unix://@myapp/ping  -&gt;  @myapp  +  http://localhost/ping
 * </pre>
 *
 * @param endpoint the socket to connect to
 * @param requestUri the URI the request carries: {@code http://localhost} plus the path and query
 */
public record UnixUrl(UnixEndpoint endpoint, URI requestUri)
{
    public static final String SCHEME = "http+unix";
    private static final String PREFIX = SCHEME + "://";

    public UnixUrl
    {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(requestUri, "requestUri");
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the URL and what a good one looks like
     */
    public static UnixUrl parse(String url)
    {
        if (url == null || !url.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
            throw malformed(url, "it does not start with " + PREFIX);
        String rest = url.substring(PREFIX.length());
        int endOfAuthority = indexOfAny(rest, "/?#");
        String authority = endOfAuthority < 0 ? rest : rest.substring(0, endOfAuthority);
        String pathAndQuery = endOfAuthority < 0 ? "/" : rest.substring(endOfAuthority);
        if (authority.isEmpty())
            throw malformed(url, "the socket is missing: percent-encode its path as the host");
        if (authority.indexOf('/') >= 0 || authority.indexOf('@') > 0)
            throw malformed(url, "the socket path must be percent-encoded (/ as %2F)");
        String socket = decode(url, authority);
        UnixEndpoint endpoint;
        if (socket.startsWith("\0"))
            endpoint = UnixEndpoint.ofAbstractName(socket.substring(1));
        else if (socket.startsWith("@"))
            endpoint = UnixEndpoint.ofAbstractName(socket.substring(1));
        else if (socket.startsWith("/"))
            endpoint = UnixEndpoint.ofPath(java.nio.file.Path.of(socket));
        else
            throw malformed(url, "the socket '" + socket + "' is neither an absolute path nor an abstract name");
        if (pathAndQuery.startsWith("?") || pathAndQuery.startsWith("#"))
            pathAndQuery = "/" + pathAndQuery;
        try
        {
            return new UnixUrl(endpoint, new URI("http://localhost" + pathAndQuery));
        }
        catch (URISyntaxException bad)
        {
            throw malformed(url, "the request path is not a valid URI path (" + bad.getReason() + ")");
        }
    }

    /**
     * @return an {@code http+unix} URL for a request to {@code pathAndQuery} (starting with {@code /}) on {@code endpoint}
     */
    public static String format(UnixEndpoint endpoint, String pathAndQuery)
    {
        String socket = endpoint.isAbstract() ? "%00" + encode(endpoint.abstractName()) : encode(endpoint.path().toString());
        return PREFIX + socket + (pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery);
    }

    @Override
    public String toString()
    {
        String path = requestUri.getRawPath() == null || requestUri.getRawPath().isEmpty() ? "/" : requestUri.getRawPath();
        return format(endpoint, path + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery()));
    }

    private static String encode(String text)
    {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8))
        {
            char c = (char)(b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
                encoded.append(c);
            else
                encoded.append('%').append(String.format("%02X", (int)c));
        }
        return encoded.toString();
    }

    private static String decode(String url, String text)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++)
        {
            char c = text.charAt(i);
            if (c == '%')
            {
                if (i + 2 >= text.length())
                    throw malformed(url, "'" + text.substring(i) + "' is a cut-off percent escape");
                try
                {
                    bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                }
                catch (NumberFormatException e)
                {
                    throw malformed(url, "'" + text.substring(i, i + 3) + "' is not a percent escape");
                }
                i += 2;
            }
            else
                bytes.write(c);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int indexOfAny(String text, String characters)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (characters.indexOf(text.charAt(i)) >= 0)
                return i;
        }
        return -1;
    }

    private static IllegalArgumentException malformed(String url, String why)
    {
        return new IllegalArgumentException("Malformed http+unix URL '" + url + "': " + why +
            ". Write it like http+unix://%2Frun%2Fapp.sock/api/status?x=1 (or http+unix://%00name/... for an abstract name)");
    }
}
