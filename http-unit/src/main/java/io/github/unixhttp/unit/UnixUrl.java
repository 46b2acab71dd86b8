package io.github.unixhttp.unit;

import io.github.unixhttp.core.UnixSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.Utf8StringBuilder;

/**
 * An {@code http+unix://} URL, as Python's requests-unixsocket writes them: the percent-encoded socket path is the
 * authority, followed by the request path and query.
 *
 * <pre>
 * http+unix://%2Frun%2Fapp.sock/api/status?x=1   -&gt;  /run/app.sock  +  http://localhost/api/status?x=1
 * http+unix://%00myapp/ping  or  http+unix://@myapp/ping  -&gt;  @myapp  +  http://localhost/ping
 * </pre>
 *
 * <p>The socket name is UTF-8, percent-encoded with Jetty's codec ({@code URIUtil}); the request path and query are
 * kept as written (still encoded). The socket must be one a client can connect to, as {@link UnixSocketAddress}
 * checks it (a path of at most 107 bytes, an abstract name of printable ASCII).</p>
 *
 * @param address    the socket to connect to: a path or an abstract name
 * @param requestUri the URI the request carries: {@code http://localhost} plus the path and query
 */
public record UnixUrl(UnixSocketAddress address, URI requestUri)
{
    public static final String SCHEME = "http+unix";
    private static final String PREFIX = SCHEME + "://";
    /** Reserved characters of RFC 3986 that Jetty's path encoding keeps literal: in an authority they are escaped. */
    private static final String AUTHORITY_DELIMITERS = "/:@!$&()*+,=";

    /**
     * @throws IllegalArgumentException for an inherited socket, which has no name a URL could give
     */
    public UnixUrl
    {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(requestUri, "requestUri");
        requireNamed(address);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the URL and what a good one looks like
     */
    public static UnixUrl parse(String url)
    {
        if (url == null || !url.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
            throw malformed(url, "it does not start with " + PREFIX);
        URI parsed;
        try
        {
            parsed = new URI(url);
        }
        catch (URISyntaxException bad)
        {
            throw malformed(url, bad.getReason().toLowerCase(Locale.ROOT) + " at index " + bad.getIndex() +
                " (a % starts an escape of two hex digits; percent-encode what a URL cannot hold: a space as %20, a % as %25)");
        }
        String authority = parsed.getRawAuthority();
        if (authority == null || authority.isEmpty())
            throw malformed(url, "the socket is missing: percent-encode its path as the host");
        if (authority.indexOf('@') > 0)
            throw malformed(url, "the socket path must be percent-encoded (/ as %2F, @ as %40)");
        UnixSocketAddress address = address(url, decode(url, authority));
        String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
        String requestUri = "http://localhost" + path + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery()) +
            (parsed.getRawFragment() == null ? "" : "#" + parsed.getRawFragment());
        return new UnixUrl(address, URI.create(requestUri));
    }

    /**
     * @return an {@code http+unix} URL for a request to {@code pathAndQuery} (starting with {@code /}) on {@code address}
     * @throws IllegalArgumentException for an inherited socket, which has no name a URL could give
     */
    public static String format(UnixSocketAddress address, String pathAndQuery)
    {
        requireNamed(address);
        String socket = address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME ? "%00" + encode(address.abstractName()) :
            encode(address.path().toString());
        return PREFIX + socket + (pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery);
    }

    @Override
    public String toString()
    {
        String path = requestUri.getRawPath() == null || requestUri.getRawPath().isEmpty() ? "/" : requestUri.getRawPath();
        return format(address, path + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery()));
    }

    private static void requireNamed(UnixSocketAddress address)
    {
        if (address.kind() == UnixSocketAddress.Kind.INHERITED)
            throw new IllegalArgumentException("An http+unix URL names a socket a client connects to, and " + address +
                " is a server's inherited listening socket: use the path its supervisor bound it at, or its @name");
    }

    private static UnixSocketAddress address(String url, String socket)
    {
        boolean abstractName = socket.startsWith("\0") || socket.startsWith("@");
        if (!abstractName && !socket.startsWith("/"))
            throw malformed(url, "the socket '" + socket + "' is neither an absolute path nor an abstract name");
        if (!abstractName && socket.indexOf('\0') >= 0)
            throw malformed(url, "the socket path holds a NUL byte (%00), which no file name can; only an abstract name " +
                "starts with %00");
        try
        {
            return abstractName ? UnixSocketAddress.ofAbstractName(socket.substring(1)) : UnixSocketAddress.ofPath(Path.of(socket));
        }
        catch (IllegalArgumentException bad)
        {
            // Too long, or an abstract name that is not printable ASCII: the checks the server makes of its own address.
            throw malformed(url, bad.getMessage());
        }
    }

    /**
     * Jetty's percent codec: every byte but the unreserved characters of RFC 3986 is escaped, as Python's
     * requests-unixsocket expects. Jetty's path encoding leaves the characters a path may hold literally; in the
     * authority they would end the socket (/), or read as a user name (@) or port (:), so they are escaped too.
     */
    private static String encode(String text)
    {
        return URIUtil.encodeSpecific(URIUtil.encodePath(text), AUTHORITY_DELIMITERS);
    }

    /**
     * Jetty's percent codec, on an authority {@link URI} has already checked (every % starts a two-hex-digit escape).
     * The bytes must be UTF-8: a socket name that is not comes back holding U+FFFD, and is refused rather than
     * connected to a socket of another name (so is a name that holds U+FFFD itself).
     */
    private static String decode(String url, String authority)
    {
        String decoded = URIUtil.decodePath(authority);
        if (decoded.indexOf(Utf8StringBuilder.REPLACEMENT) >= 0)
            throw malformed(url, "the socket '" + authority + "' does not decode to UTF-8 text; percent-encode the UTF-8 bytes " +
                "of its name (é as %C3%A9)");
        return decoded;
    }

    private static IllegalArgumentException malformed(String url, String why)
    {
        return new IllegalArgumentException("Malformed http+unix URL '" + url + "': " + why +
            ". Write it like http+unix://%2Frun%2Fapp.sock/api/status?x=1 (or http+unix://%00name/... for an abstract name)");
    }
}
