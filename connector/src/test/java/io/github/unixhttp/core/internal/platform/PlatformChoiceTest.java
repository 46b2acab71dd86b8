package io.github.unixhttp.core.internal.platform;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which platform layer a JVM gets: the Linux layer on Linux when the native calls load, the portable layer everywhere
 * else or when asked for; a request that cannot be met is refused, naming why.
 */
class PlatformChoiceTest
{
    @Test
    void otherSystemsGetThePortableLayerByThemselves()
    {
        for (String system : new String[]{"Mac OS X", "Windows 11", "FreeBSD"})
        {
            Platform platform = Platform.choose(null, null, system, () -> "never asked");
            assertEquals(Platform.Layer.PORTABLE, platform.layer());
            assertTrue(platform.describe().contains(system), platform.describe());
        }
    }

    @Test
    void linuxGetsTheLinuxLayerWhenNativeCallsLoadAndThePortableOneWhenNot()
    {
        assertEquals(Platform.Layer.LINUX, Platform.choose(null, null, "Linux", () -> null).layer());
        Platform without = Platform.choose(null, "", "Linux", () -> "jnr-ffi could not load the C library");
        assertEquals(Platform.Layer.PORTABLE, without.layer());
        assertTrue(without.describe().contains("jnr-ffi could not load the C library"), without.describe());
    }

    @Test
    void thePortableLayerCanBeForcedByPropertyOrEnvironmentAndThePropertyWins()
    {
        assertEquals(Platform.Layer.PORTABLE, Platform.choose("portable", null, "Linux", () -> null).layer());
        assertEquals(Platform.Layer.PORTABLE, Platform.choose(null, "PORTABLE", "Linux", () -> null).layer());
        assertEquals(Platform.Layer.LINUX, Platform.choose("linux", "portable", "Linux", () -> null).layer());
        assertTrue(Platform.choose(null, "portable", "Linux", () -> null).describe().contains("UNIXHTTP_PLATFORM=portable"));
    }

    @Test
    void askingForTheLinuxLayerWhereItCannotBeIsRefusedSayingWhy()
    {
        String elsewhere = assertThrows(IllegalStateException.class, () -> Platform.choose("linux", null, "Mac OS X", () -> null)).getMessage();
        assertTrue(elsewhere.contains("Mac OS X") && elsewhere.contains("-Dunixhttp.platform=linux"), elsewhere);
        String noJnr = assertThrows(IllegalStateException.class,
            () -> Platform.choose(null, "linux", "Linux", () -> "jnr-ffi could not load the C library")).getMessage();
        assertTrue(noJnr.contains("jnr-ffi could not load the C library") && noJnr.contains("portable layer"), noJnr);
        String typo = assertThrows(IllegalStateException.class, () -> Platform.choose("portabel", null, "Linux", () -> null)).getMessage();
        assertTrue(typo.contains("portabel") && typo.contains("linux, portable or auto"), typo);
    }

    @Test
    void aRefusalNamesTheFeatureTheLayerTheSystemAndWhatToDoInstead()
    {
        Platform mac = Platform.choose(null, null, "Mac OS X", () -> null);
        String message = mac.refusal("An abstract name (unix:@app)", "listen on a socket file path").getMessage();
        assertTrue(message.startsWith("An abstract name (unix:@app) needs unixhttp's Linux layer"), message);
        assertTrue(message.contains("Mac OS X") && message.contains("portable layer") && message.endsWith("listen on a socket file path"), message);
    }
}
