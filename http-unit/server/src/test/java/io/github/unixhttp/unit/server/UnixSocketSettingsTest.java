package io.github.unixhttp.unit.server;

import java.nio.file.Path;
import java.util.List;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.policy.PeerPolicy;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text settings frameworks pass (Jetty start properties, Dropwizard's config.yml) become the connector's typed
 * settings, and a wrong one is named as the configuration file spells it.
 */
class UnixSocketSettingsTest
{
    private final UnixSocketConnector connector = new UnixSocketConnector(new Server());

    @Test
    void appliesEachSetting()
    {
        UnixSocketSettings settings = new UnixSocketSettings("jetty.unixhttp.");
        settings.setPath("/run/app/app.sock");
        settings.setMode("660");
        settings.setGroup("www-data");
        settings.setStaleSocket("FAIL");
        settings.setAllowUsers("root, 1000");
        settings.setAllowGroups("4242,adm");
        settings.setTrustProxies("www-data");
        settings.setInherit("false");
        settings.applyTo(connector);

        assertEquals(Path.of("/run/app/app.sock"), connector.getSocketPath());
        assertEquals(0660, connector.getSocketFile().mode().bits());
        assertEquals("www-data", connector.getSocketFile().group());
        assertEquals(StaleSocketPolicy.FAIL, connector.getSocketFile().staleSocketPolicy());
        assertEquals("allowed: uids [1000], users [root], gids [4242], groups [adm]", connector.getPeerPolicy().toString());
        assertEquals("allowed: users [www-data]", connector.getTrustedProxies().toString());
        assertEquals(UnixSocketAddress.Kind.PATH, connector.getAddress().kind());
    }

    @Test
    void blankMeansUnsetAndAbstractNamesAndInheritedSocketsAreUnderstood()
    {
        UnixSocketSettings abstractName = new UnixSocketSettings();
        abstractName.setPath("@myapp");
        abstractName.setMode(" ");
        abstractName.setAllowUsers("");
        abstractName.applyTo(connector);
        assertEquals(UnixSocketAddress.ofAbstractName("myapp"), connector.getAddress());
        assertNull(connector.getSocketFile().mode());
        // No allow-list on an abstract name: the connector's default there, this server's own user.
        assertEquals(PeerPolicy.sameUser(), connector.getPeerPolicy());

        UnixSocketSettings named = new UnixSocketSettings();
        named.setInherit("web");
        UnixSocketConnector inheriting = named.applyTo(new UnixSocketConnector(new Server()));
        assertEquals(UnixSocketAddress.inherited("web"), inheriting.getAddress());
    }

    @Test
    void errorsNameTheSettingAndTheFix()
    {
        UnixSocketSettings none = new UnixSocketSettings("jetty.unixhttp.");
        assertEquals("No socket to listen on: set jetty.unixhttp.path (e.g. /run/app/app.sock, or @name for an abstract " +
            "socket), or jetty.unixhttp.inherit=true", assertThrows(IllegalArgumentException.class, () -> none.applyTo(connector)).getMessage());

        UnixSocketSettings both = new UnixSocketSettings("jetty.unixhttp.");
        both.setPath("/run/a.sock");
        both.setInherit("true");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> both.applyTo(connector)).getMessage()
            .endsWith("both say where to listen: remove one of them"));

        UnixSocketSettings mode = new UnixSocketSettings("jetty.unixhttp.");
        mode.setPath("/run/a.sock");
        mode.setMode("rw-rw----");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> mode.applyTo(connector)).getMessage()
            .startsWith("jetty.unixhttp.mode: Socket file mode 'rw-rw----' is not an octal mode"));

        UnixSocketSettings stale = new UnixSocketSettings();
        stale.setPath("/run/a.sock");
        stale.setStaleSocket("delete");
        assertEquals("staleSocket=delete is not a policy: write remove (a dead socket at the path is replaced) or fail " +
            "(start fails instead)", assertThrows(IllegalArgumentException.class, () -> stale.applyTo(connector)).getMessage());

        UnixSocketSettings empty = new UnixSocketSettings();
        empty.setPath("@");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> empty.applyTo(connector)).getMessage()
            .startsWith("path: The abstract socket name is empty"));
    }

    /** A slip in a list must not widen it (an empty list admits everyone) nor turn into some other id. */
    @Test
    void anEmptyEntryOrAnIdOutOfRangeIsAnError()
    {
        for (String list : new String[]{",", "root,,www-data", "root,"})
        {
            UnixSocketSettings settings = new UnixSocketSettings("jetty.unixhttp.");
            settings.setPath("/run/a.sock");
            settings.setAllowUsers(list);
            assertEquals("jetty.unixhttp.allowUsers=" + list + " has an empty entry: remove the extra comma",
                assertThrows(IllegalArgumentException.class, () -> settings.applyTo(connector)).getMessage());
        }

        UnixSocketSettings tooBig = new UnixSocketSettings("jetty.unixhttp.");
        tooBig.setPath("/run/a.sock");
        tooBig.setTrustProxies("33,99999999999");
        assertEquals("jetty.unixhttp.trustProxies: the id 99999999999 is out of range (at most 2147483647): correct it",
            assertThrows(IllegalArgumentException.class, () -> tooBig.applyTo(connector)).getMessage());

        assertEquals("allow: an empty entry in the list: remove it", assertThrows(IllegalArgumentException.class,
            () -> UnixSocketSettings.peerPolicy("allow", List.of("root", " "), List.of())).getMessage());
    }
}
