package io.github.unixhttp.unit;

import java.net.URI;
import java.nio.file.Path;

import io.github.unixhttp.core.UnixSocketAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixUrlTest
{
    @Test
    void parsesASocketPathAndTheRequestPathAndQuery()
    {
        UnixUrl url = UnixUrl.parse("http+unix://%2Frun%2Fapp.sock/api/status?x=1");
        assertEquals(UnixSocketAddress.ofPath(Path.of("/run/app.sock")), url.address());
        assertEquals(URI.create("http://localhost/api/status?x=1"), url.requestUri());
    }

    @Test
    void parsesAbstractNamesWrittenEitherWay()
    {
        assertEquals(UnixSocketAddress.ofAbstractName("myapp"), UnixUrl.parse("http+unix://%00myapp/ping").address());
        assertEquals(UnixSocketAddress.ofAbstractName("myapp"), UnixUrl.parse("http+unix://@myapp/ping").address());
        assertEquals(UnixSocketAddress.ofAbstractName("myapp"), UnixUrl.parse("http+unix://%40myapp/ping").address());
    }

    @Test
    void aMissingPathMeansTheRoot()
    {
        assertEquals(URI.create("http://localhost/"), UnixUrl.parse("http+unix://%2Ftmp%2Fa.sock").requestUri());
        assertEquals(URI.create("http://localhost/?q=1"), UnixUrl.parse("http+unix://%2Ftmp%2Fa.sock?q=1").requestUri());
    }

    @Test
    void formatsBackToTheSameUrl()
    {
        for (String url : new String[]{"http+unix://%2Frun%2Fapp.sock/api/status?x=1", "http+unix://%00myapp/ping",
            "http+unix://%2Fhome%2Fa%20b%2Fs.sock/p%20q"})
            assertEquals(url, UnixUrl.parse(url).toString());
        assertEquals("http+unix://%2Frun%2Fapp.sock/x", UnixUrl.format(UnixSocketAddress.parse("/run/app.sock"), "/x"));
    }

    @Test
    void malformedUrlsAreRefusedSayingWhatAGoodOneLooksLike()
    {
        for (String bad : new String[]{"http://localhost/", "http+unix:///path", "http+unix://run/app.sock/x",
            "http+unix://%2Frun%2/x", "http+unix://%ZZ/x", "http+unix://relative.sock/x", "http+unix://%2Fa.sock/x y"})
        {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> UnixUrl.parse(bad), bad);
            assertTrue(error.getMessage().startsWith("Malformed http+unix URL '" + bad + "': ") &&
                error.getMessage().contains("http+unix://%2Frun%2Fapp.sock/api/status?x=1"), error.getMessage());
        }
    }

    @Test
    void utf8NamesRoundTrip()
    {
        if (!representable("/tmp/\u00e9t\u00e9 \u20ac.sock"))
        {
            // A JVM in a C/POSIX locale has no Path for such a name: the URL is refused, naming the problem.
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> UnixUrl.parse("http+unix://%2Ftmp%2F%C3%A9t%C3%A9%20%E2%82%AC.sock/x"));
            assertTrue(refused.getMessage().contains("unmappable characters"), refused.getMessage());
            return;
        }
        UnixUrl url = UnixUrl.parse("http+unix://%2Ftmp%2F%C3%A9t%C3%A9%20%E2%82%AC.sock/x");
        assertEquals(UnixSocketAddress.ofPath(Path.of("/tmp/\u00e9t\u00e9 \u20ac.sock")), url.address());
        assertEquals("http+unix://%2Ftmp%2F%C3%A9t%C3%A9%20%E2%82%AC.sock/x", UnixUrl.format(url.address(), "/x"));
        // Raw UTF-8, as a user may paste it, reads the same.
        assertEquals(UnixSocketAddress.ofPath(Path.of("/tmp/caf\u00e9.sock")), UnixUrl.parse("http+unix://%2Ftmp%2Fcaf\u00e9.sock/").address());
    }

    /** @return whether this JVM's file-name encoding (its locale) can make a Path of {@code name} */
    private static boolean representable(String name)
    {
        try
        {
            Path.of(name);
            return true;
        }
        catch (java.nio.file.InvalidPathException unmappable)
        {
            return false;
        }
    }

    @Test
    void socketsTheServerWouldRefuseAreMalformed()
    {
        // The checks of UnixSocketAddress, as the server makes them of its own address: abstract names are printable
        // ASCII, paths fit in sun_path.
        assertMalformed("http+unix://%00caf%C3%A9/", "printable ASCII");
        assertMalformed("http+unix://@caf\u00e9/", "printable ASCII");
        assertMalformed("http+unix://%00a%20b/", "printable ASCII");
        assertMalformed("http+unix://%00" + "n".repeat(UnixSocketAddress.MAX_ABSTRACT_NAME_BYTES + 1) + "/", "at most");
        assertMalformed("http+unix://%2Ftmp%2F" + "p".repeat(UnixSocketAddress.MAX_PATH_BYTES) + ".sock/", "at most");
    }

    @Test
    void slashesInTheSocketAreEncodedEitherCaseAndStayEncodedInTheRequestPath()
    {
        UnixUrl url = UnixUrl.parse("http+unix://%2ftmp%2fa.sock/files/a%2Fb?p=%2F");
        assertEquals(UnixSocketAddress.ofPath(Path.of("/tmp/a.sock")), url.address());
        assertEquals("/files/a%2Fb", url.requestUri().getRawPath());
        assertEquals("p=%2F", url.requestUri().getRawQuery());
        assertEquals("http+unix://%2Ftmp%2Fa.sock/files/a%2Fb?p=%2F", url.toString());
    }

    @Test
    void everyReservedCharacterOfTheSocketIsEncodedAndAPlusIsNotASpace()
    {
        UnixSocketAddress odd = UnixSocketAddress.ofPath(Path.of("/tmp/a b+c:d@e;f?g#h%i&j=k,l(m)n*o!p$q'r[s]t~u-v_w.sock"));
        String url = UnixUrl.format(odd, "/");
        assertEquals("http+unix://%2Ftmp%2Fa%20b%2Bc%3Ad%40e%3Bf%3Fg%23h%25i%26j%3Dk%2Cl%28m%29n%2Ao%21p%24q%27r%5Bs%5Dt~u-v_w.sock/", url);
        assertEquals(odd, UnixUrl.parse(url).address());
        assertEquals(UnixSocketAddress.ofPath(Path.of("/tmp/a+b.sock")), UnixUrl.parse("http+unix://%2Ftmp%2Fa+b.sock/").address());
    }

    @Test
    void invalidEscapesAndNamesAreRefusedSayingWhatIsWrong()
    {
        assertMalformed("http+unix://%2Frun%2/x", "malformed escape pair at index 18", "two hex digits");
        assertMalformed("http+unix://%ZZ/x", "malformed escape pair at index 12");
        assertMalformed("http+unix://%u002Frun.sock/x", "malformed escape pair at index 12");
        assertMalformed("http+unix://%2Ftmp%2Fa%/x", "malformed escape pair", "% as %25");
        assertMalformed("http+unix://%2Ftmp%2Fa b.sock/x", "illegal character", "space as %20");
        assertMalformed("http+unix://%2Ftmp%2F%C3.sock/x", "does not decode to UTF-8", "%C3%A9");
        assertMalformed("http+unix://%2Ftmp%2F%FF.sock/x", "does not decode to UTF-8");
        assertMalformed("http+unix://%2Ftmp%2Fa%00b.sock/x", "NUL byte");
        assertMalformed("http+unix://user@%2Fa.sock/x", "@ as %40");
    }

    private static void assertMalformed(String bad, String... says)
    {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> UnixUrl.parse(bad), bad);
        assertTrue(error.getMessage().startsWith("Malformed http+unix URL '" + bad + "': "), error.getMessage());
        for (String part : says)
            assertTrue(error.getMessage().contains(part), error.getMessage());
    }

    @Test
    void anInheritedSocketHasNoUrl()
    {
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
            () -> UnixUrl.format(UnixSocketAddress.inherited("web"), "/"));
        assertTrue(format.getMessage().contains("inherited:web") && format.getMessage().contains("path"), format.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new UnixUrl(UnixSocketAddress.inherited(), URI.create("http://localhost/")));
    }
}
