package io.github.unixhttp.connector.policy;

import java.util.List;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.PeerCredentials;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.github.unixhttp.connector.policy.Verdict;
import io.github.unixhttp.connector.policy.PeerPolicy;

/**
 * The rules themselves, on credentials as each reader produces them.
 */
class PeerRulesTest
{
    private static final PeerCredentials NOBODY = PeerCredentials.of(4321, 65534, 65534, new int[]{27, 4242}, "nobody", "nogroup");
    private static final PeerCredentials NOBODY_BY_NAME = PeerCredentials.ofNames("nobody", "nogroup");

    @Test
    void idRulesMatchNumericCredentials()
    {
        assertTrue(PeerPolicy.builder().allowUid(65534).build().evaluate(NOBODY).allowed());
        assertTrue(PeerPolicy.builder().allowGid(4242).build().evaluate(NOBODY).allowed());
        assertTrue(PeerPolicy.builder().allowGid(65534).build().evaluate(NOBODY).allowed());
        assertFalse(PeerPolicy.builder().allowUid(0).allowGid(0).build().evaluate(NOBODY).allowed());
    }

    @Test
    void idRulesMatchNameOnlyCredentialsThroughTheNameService()
    {
        Requirements.requireLinuxLayer("names of ids (getpwuid_r through jnr-ffi)");
        assertTrue(PeerPolicy.builder().allowUid(65534).build().evaluate(NOBODY_BY_NAME).allowed());
        assertTrue(PeerPolicy.builder().allowGid(65534).build().evaluate(NOBODY_BY_NAME).allowed());
        assertFalse(PeerPolicy.builder().allowUid(0).build().evaluate(NOBODY_BY_NAME).allowed());
        // Supplementary groups are unknown without the native edge: such a rule cannot admit.
        assertFalse(PeerPolicy.builder().allowGid(4242).build().evaluate(NOBODY_BY_NAME).allowed());
    }

    @Test
    void nameRulesMatchBothKinds()
    {
        assertTrue(PeerPolicy.builder().allowUser("nobody").build().evaluate(NOBODY).allowed());
        assertTrue(PeerPolicy.builder().allowUser("nobody").build().evaluate(NOBODY_BY_NAME).allowed());
        assertTrue(PeerPolicy.builder().allowGroup("nogroup").build().evaluate(NOBODY_BY_NAME).allowed());
        assertTrue(PeerPolicy.builder().allowGroup("sudo").build().evaluate(NOBODY).allowed(), "27 is sudo on Debian");
        assertFalse(PeerPolicy.builder().allowUser("root").allowGroup("root").build().evaluate(NOBODY).allowed());
    }

    @Test
    void namesThisSystemDoesNotKnowAreListedAndAdmitNoOne()
    {
        PeerRules rules = PeerPolicy.builder().allowUser("nobody", "no-such-user-4711").allowGroup("nogroup", "no-such-group-4711")
            .allowUid(4711).build();
        assertEquals(List.of("user no-such-user-4711", "group no-such-group-4711"), rules.unknownNames());
        assertFalse(PeerPolicy.builder().allowUser("no-such-user-4711").build().evaluate(NOBODY_BY_NAME).allowed());
        assertEquals(List.of(), PeerPolicy.builder().allowUser("root").allowGroup("root").allowUid(4711).build().unknownNames());
        // Inside combinations too.
        assertEquals(List.of("user no-such-user-4711"), PeerPolicy.anyOf(PeerPolicy.sameUser(),
            PeerPolicy.allOf(PeerPolicy.builder().allowUser("no-such-user-4711").build())).unknownNames());
    }

    @Test
    void noRulesRefuseEveryoneAndSaySo()
    {
        Verdict verdict = PeerPolicy.builder().build().evaluate(NOBODY);
        assertFalse(verdict.allowed());
        assertTrue(verdict.reason().contains("no one is allowed"), verdict.reason());
    }

    @Test
    void combinationsShortCircuitWithTheFirstRefusal()
    {
        PeerPolicy both = PeerPolicy.allOf(PeerPolicy.builder().allowUid(65534).build(), PeerPolicy.builder().allowUid(0).build());
        assertFalse(both.evaluate(NOBODY).allowed());
        assertTrue(both.evaluate(NOBODY).reason().contains("uids [0]"));
        assertTrue(PeerPolicy.anyOf(PeerPolicy.builder().allowUid(0).build(), PeerPolicy.builder().allowUser("nobody").build())
            .evaluate(NOBODY).allowed());
    }
}
