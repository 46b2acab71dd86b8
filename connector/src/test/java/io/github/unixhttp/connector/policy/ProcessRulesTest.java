package io.github.unixhttp.connector.policy;

import java.nio.file.Path;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.PeerProcess;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules by the calling program: by executable, systemd unit and cgroup, alone or combined with the user rules; a peer
 * whose process is unknown is refused by them, saying why.
 */
class ProcessRulesTest
{
    private static final PeerCredentials WWW_DATA = PeerCredentials.of(812, 33, 33, new int[0], "www-data", "www-data");
    private static final PeerProcess NGINX = PeerProcess.of(812, Path.of("/usr/sbin/nginx"), "/system.slice/nginx.service");
    private static final PeerProcess PHP = PeerProcess.of(913, Path.of("/usr/sbin/php-fpm8.2"), "/system.slice/php8.2-fpm.service");

    @Test
    void aRuleByExecutableAdmitsThatProgramOnly()
    {
        PeerPolicy nginxOnly = PeerPolicy.builder().allowExecutable("/usr/sbin/nginx").build();
        assertTrue(nginxOnly.needsProcess());
        assertTrue(nginxOnly.evaluate(WWW_DATA.withProcess(NGINX)).allowed());
        assertFalse(nginxOnly.evaluate(WWW_DATA.withProcess(PHP)).allowed());
    }

    @Test
    void aRuleByUnitOrCgroupAdmitsItsProcessesAndNoSiblingWhoseNameOnlyStartsAlike()
    {
        assertTrue(PeerPolicy.builder().allowUnit("nginx.service").build().evaluate(WWW_DATA.withProcess(NGINX)).allowed());
        PeerPolicy bySlice = PeerPolicy.builder().allowCgroup("/system.slice/nginx.service").build();
        assertTrue(bySlice.evaluate(WWW_DATA.withProcess(PeerProcess.of(1, null, "/system.slice/nginx.service/worker"))).allowed());
        assertFalse(bySlice.evaluate(WWW_DATA.withProcess(PeerProcess.of(1, null, "/system.slice/nginx.service-evil"))).allowed());
        assertEquals("nginx.service", PeerProcess.unitOf("/system.slice/nginx.service"));
        assertEquals("app.service", PeerProcess.unitOf("/user.slice/user-1000.slice/user@1000.service/app.slice/app.service"));
        assertEquals(null, PeerProcess.unitOf("/"));
    }

    @Test
    void combinedWithAUserRuleBothMustHold()
    {
        PeerPolicy nginxAsWwwData = PeerPolicy.allOf(PeerPolicy.builder().allowUser("www-data").allowUid(33).build(),
            PeerPolicy.builder().allowUnit("nginx.service").build());
        assertTrue(nginxAsWwwData.needsProcess());
        assertTrue(nginxAsWwwData.evaluate(WWW_DATA.withProcess(NGINX)).allowed());
        assertFalse(nginxAsWwwData.evaluate(WWW_DATA.withProcess(PHP)).allowed());
        PeerCredentials root = PeerCredentials.of(1, 0, 0, new int[0], "root", "root");
        assertFalse(nginxAsWwwData.evaluate(root.withProcess(NGINX)).allowed());
    }

    @Test
    void anUnknownProcessIsRefusedSayingWhy()
    {
        PeerPolicy nginxOnly = PeerPolicy.builder().allowExecutable("/usr/sbin/nginx").build();
        Verdict unread = nginxOnly.evaluate(WWW_DATA.withUnknownProcess("the peer process has exited"));
        assertFalse(unread.allowed());
        assertTrue(unread.reason().contains("the peer process has exited"), unread.reason());
        // An executable the server may not read (another user's process, to a server not root) matches no rule.
        assertFalse(nginxOnly.evaluate(WWW_DATA.withProcess(PeerProcess.of(812, null, "/"))).allowed());
    }

    @Test
    void userRulesAloneNeedNoProcessAndRulesAreCheckedWhenBuilt()
    {
        assertFalse(PeerPolicy.builder().allowUid(33).build().needsProcess());
        assertFalse(PeerPolicy.allowAll().needsProcess());
        assertThrows(IllegalArgumentException.class, () -> PeerPolicy.builder().allowExecutable("nginx"));
        assertThrows(IllegalArgumentException.class, () -> PeerPolicy.builder().allowUnit("nginx"));
        assertThrows(IllegalArgumentException.class, () -> PeerPolicy.builder().allowCgroup("system.slice"));
    }
}
