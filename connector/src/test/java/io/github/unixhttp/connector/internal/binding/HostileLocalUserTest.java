package io.github.unixhttp.connector.internal.binding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.testing.BackgroundProcess;
import io.github.unixhttp.testing.BindFailures;
import io.github.unixhttp.testing.DirectorySnapshot;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.github.unixhttp.connector.binding.SocketFileMode;

/**
 * A second local user (uid 65534) who may write to the socket's directory races every start with inotify, trying
 * to make the server (root) chmod, chown or link a file of its choosing. Nothing outside the server's own files
 * may change, whatever the directory layout; an unsafe layout is refused by default, with a message that says why.
 */
class HostileLocalUserTest
{
    private static final int STARTS = 100;

    @TempDir
    Path base;

    private Path victim;

    @BeforeEach
    void rootOnlyFileTheAttackerWantsOpened() throws Exception
    {
        Run.openToOthers(base);
        Path vault = Files.createDirectory(base.resolve("vault"));
        victim = Files.writeString(vault.resolve("secret"), "root only");
        Run.run(Duration.ofSeconds(30), "chmod", "0600", victim.toString()).requireSuccess();
    }

    @Test
    void worldWritableDirectoryIsRefusedNamingItsModeOwnerAndTheFix() throws Exception
    {
        Path shared = sharedDirectory("0777");
        DirectorySnapshot before = DirectorySnapshot.of(shared);
        String message = BindFailures.startFailure(shared.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("the directory " + shared + " (mode 0777, owner ") && message.contains("no sticky bit") &&
            message.contains("chmod +t " + shared) && message.contains("allowUnsafeDirectory(true)"), message);
        assertEquals(before, DirectorySnapshot.of(shared), "a refused start left something behind");
    }

    @Test
    void directoryBelowAWorldWritableOneIsRefusedToo() throws Exception
    {
        Path shared = sharedDirectory("0777");
        Path own = Files.createDirectory(shared.resolve("app"));
        String message = BindFailures.startFailure(own.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("the directory " + shared + " (mode 0777"), message);
    }

    @Test
    void stickyWorldWritableDirectoryIsAccepted() throws Exception
    {
        Path shared = sharedDirectory("1777");
        try (TestServer server = TestServer.start(shared.resolve("app.sock")))
        {
            assertTrue(Files.exists(server.socket()));
        }
    }

    @Test
    void racingAttackerInAWorldWritableDirectoryIsRefusedEveryTimeAndChangesNothing() throws Exception
    {
        Path shared = sharedDirectory("0777");
        Map<String, Object> victimBefore = attributes(victim);
        int refused = 0;
        try (BackgroundProcess attacker = attacker(shared))
        {
            for (int i = 0; i < STARTS; i++)
            {
                String message = BindFailures.startFailure(shared.resolve("app.sock"), connector -> {});
                if (message.contains("no sticky bit") && message.contains("allowUnsafeDirectory(true)"))
                    refused++;
            }
            attacker.finish();
        }
        assertEquals(STARTS, refused, "every start in a 0777 directory is refused, saying why");
        assertEquals(victimBefore, attributes(victim), "the attacker's target changed");
        assertEquals("root only", Files.readString(victim));
    }

    @Test
    void racingAttackerWhereUnsafeIsAllowedStillRedirectsNothing() throws Exception
    {
        Path shared = sharedDirectory("0777");
        Map<String, Object> victimBefore = attributes(victim);
        String swaps;
        int started = 0;
        try (BackgroundProcess attacker = attacker(shared))
        {
            // A new name each time: a link the attacker left at a name would refuse every later start there.
            for (int i = 0; i < STARTS; i++)
            {
                if (startAndStopWhateverHappens(shared.resolve("app-" + i + ".sock"), connector -> connector.setSocketFile(SocketFileOptions.builder().allowUnsafeDirectory(true).build())))
                    started++;
            }
            swaps = attacker.finish();
        }
        System.out.println("Attacker with unsafe directories allowed: " + swaps.trim() + " in " + STARTS + " starts, " + started + " started");
        assertEquals(victimBefore, attributes(victim), "the attacker's target changed (" + swaps.trim() + ")");
        assertEquals("root only", Files.readString(victim));
    }

    @Test
    void racingAttackerInAStickyDirectoryChangesNothingAndEveryStartSucceeds() throws Exception
    {
        Path shared = sharedDirectory("1777");
        Map<String, Object> victimBefore = attributes(victim);
        int started = 0;
        String swaps;
        try (BackgroundProcess attacker = attacker(shared))
        {
            for (int i = 0; i < STARTS; i++)
            {
                try (TestServer server = TestServer.start(shared.resolve("app.sock"),
                    connector -> connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0666")).build())))
                {
                    started++;
                }
            }
            swaps = attacker.finish();
        }
        assertEquals(STARTS, started);
        assertEquals("SWAPS 0", swaps.trim(), "in a sticky directory the attacker may rename none of our entries");
        assertEquals(victimBefore, attributes(victim), "the attacker's target changed");
    }

    /** @return whether it started */
    private static boolean startAndStopWhateverHappens(Path socket, Consumer<UnixSocketConnector> configure)
    {
        try (TestServer ignored = TestServer.start(socket, connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0666")).build());
            configure.accept(connector);
        }))
        {
            // started in spite of the attacker; stopping removes only what is still ours
            return true;
        }
        catch (Exception refused)
        {
            // the attacker won a race and the start was refused: what matters is what it did not get
            return false;
        }
    }

    private Path sharedDirectory(String mode) throws Exception
    {
        Path shared = Files.createDirectory(base.resolve("shared"));
        Run.run(Duration.ofSeconds(30), "chmod", mode, shared.toString()).requireSuccess();
        return shared;
    }

    private BackgroundProcess attacker(Path shared) throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Path script = Scripts.copy("attacker_inotify.py", base);
        return BackgroundProcess.startReady(Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), shared.toString(),
            victim.toString())));
    }

    private static Map<String, Object> attributes(Path file) throws Exception
    {
        return Files.readAttributes(file, "unix:mode,uid,gid,ino,size,ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
