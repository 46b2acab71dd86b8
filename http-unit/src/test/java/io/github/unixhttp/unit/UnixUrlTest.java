package io.github.unixhttp.unit;

import java.net.URI;
import java.nio.file.Path;

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
        assertEquals(UnixEndpoint.ofPath(Path.of("/run/app.sock")), url.endpoint());
        assertEquals(URI.create("http://localhost/api/status?x=1"), url.requestUri());
    }

    @Test
    void parsesAbstractNamesWrittenEitherWay()
    {
        assertEquals(UnixEndpoint.ofAbstractName("myapp"), UnixUrl.parse("http+unix://%00myapp/ping").endpoint());
        assertEquals(UnixEndpoint.ofAbstractName("myapp"), UnixUrl.parse("http+unix://@myapp/ping").endpoint());
        assertEquals(UnixEndpoint.ofAbstractName("myapp"), UnixUrl.parse("http+unix://%40myapp/ping").endpoint());
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
        assertEquals("http+unix://%2Frun%2Fapp.sock/x", UnixUrl.format(UnixEndpoint.parse("/run/app.sock"), "/x"));
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
    void endpointsParseAndPrintBothKinds()
    {
        assertTrue(UnixEndpoint.parse("@x").isAbstract());
        assertEquals("@x", UnixEndpoint.parse("@x").toString());
        assertEquals("/run/a.sock", UnixEndpoint.parse("/run/a.sock").toString());
        assertThrows(IllegalArgumentException.class, () -> UnixEndpoint.parse(""));
        assertThrows(IllegalArgumentException.class, () -> UnixEndpoint.parse("@"));
        assertThrows(IllegalArgumentException.class, () -> UnixEndpoint.parse("/a\0b"));
    }
}
