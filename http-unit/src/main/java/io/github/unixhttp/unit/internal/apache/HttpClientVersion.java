package io.github.unixhttp.unit.internal.apache;

import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.VersionInfo;

/**
 * Which httpclient5 runs: Spring Boot 4.0 manages 5.5.x, and a Boot application gets that unless it sets another.
 * From 5.6 on, HttpClient's routes carry a Unix socket ({@code RequestConfig.Builder.setUnixDomainSocket},
 * {@code HttpRoute.getUnixDomainSocket}); before, they cannot, and the clients here do without: their connection
 * layer connects every connection to the client's socket whatever the route says, so nothing is lost but the route
 * check of a socket the route cannot name anyway.
 */
final class HttpClientVersion
{
    /** Whether HttpClient's routes can name a Unix socket (httpclient5 5.6+). */
    static final boolean ROUTES_NAME_SOCKETS = atLeast(release("org.apache.hc.client5"), 5, 6);

    /** Whether httpcore5's I/O reactor opens Unix socket channels (5.4+), which the async client needs. */
    static final boolean REACTOR_OPENS_UNIX_SOCKETS = atLeast(release("org.apache.hc.core5"), 5, 4);

    private HttpClientVersion()
    {
    }

    /**
     * @throws IllegalStateException naming the versions to set, where httpcore5 is older than 5.4: its reactor opens
     *         only TCP channels, so the async client could not connect at all (it would never go over TCP either)
     */
    static void requireAsyncUnixSockets()
    {
        if (!REACTOR_OPENS_UNIX_SOCKETS)
            throw new IllegalStateException("The async client over a Unix socket needs httpcore5 5.4 or later (httpclient5 5.6 " +
                "brings it), and this class path has httpcore5 " + release("org.apache.hc.core5") + ", whose I/O reactor opens " +
                "TCP channels only. Spring Boot 4.0 manages httpcore5 5.3: set <httpclient5.version>5.6.5</httpclient5.version> " +
                "and <httpcore5.version>5.4.4</httpcore5.version> in your pom's properties (Gradle: ext['httpclient5.version'], " +
                "ext['httpcore5.version']), or use the classic client (UnixHttpClients), which works on Boot's versions");
    }

    /**
     * @return whether {@code release} (e.g. {@code 5.5.2}) is at least {@code major.minor}; an unknown release is taken
     *         for the one the library is built against, which is
     */
    static boolean atLeast(String release, int major, int minor)
    {
        if (release == null)
            return true;
        String[] parts = release.split("[.-]");
        try
        {
            int releaseMajor = Integer.parseInt(parts[0]);
            int releaseMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return releaseMajor > major || releaseMajor == major && releaseMinor >= minor;
        }
        catch (NumberFormatException unknown)
        {
            return true;
        }
    }

    private static String release(String module)
    {
        VersionInfo info = VersionInfo.loadVersionInfo(module, HttpClientBuilder.class.getClassLoader());
        return info == null ? null : info.getRelease();
    }
}
