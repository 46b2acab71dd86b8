package io.github.unixhttp.core.internal.nativeedge;

import java.util.OptionalInt;

import io.github.unixhttp.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The C library's name lookups, asked for real ids and names of this machine (root and nobody are everywhere). */
class LibcNameServiceTest
{
    NameService names;

    @BeforeEach
    void theLinuxLayerLooksNamesUpInTheCLibrary()
    {
        Requirements.requireLinuxLayer("names of ids (getpwuid_r through jnr-ffi)");
        names = NativeEdge.names();
        assertInstanceOf(LibcNameService.class, names);
    }

    @Test
    void idsAndNamesAreLookedUpBothWays()
    {
        assertEquals("root", names.userName(0));
        assertEquals("root", names.groupName(0));
        assertEquals(OptionalInt.of(0), names.uidOf("root"));
        assertEquals(OptionalInt.of(0), names.gidOf("root"));
        int nobody = names.uidOf("nobody").orElseThrow();
        assertEquals("nobody", names.userName(nobody));
    }

    @Test
    void unknownIdsAndNamesAreNotFoundRatherThanFailed()
    {
        assertNull(names.userName(2_000_000_001));
        assertNull(names.groupName(2_000_000_001));
        assertEquals(OptionalInt.empty(), names.uidOf("no-such-user-" + System.nanoTime()));
        assertEquals(OptionalInt.empty(), names.gidOf("no-such-group-" + System.nanoTime()));
    }

    @Test
    void aNameWithANulInItNamesNobody()
    {
        assertEquals(OptionalInt.empty(), names.uidOf("root\0evil"));
        assertEquals(OptionalInt.empty(), names.gidOf("root\0"));
    }
}
