package io.github.unixhttp.connector.nativeedge;

import java.util.OptionalInt;

import jnr.ffi.LibraryLoader;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to what the JDK cannot do by itself. Everything here degrades instead of failing: without
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, or where jnr cannot load, peer credentials come from
 * the JDK alone (names only), and the log says once what would unlock the rest.
 */
public final class NativeEdge
{
    /** The JVM options that give the native edge everything it needs. */
    public static final String JVM_OPTIONS = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED";

    private static final Logger LOG = LoggerFactory.getLogger(NativeEdge.class);

    private NativeEdge()
    {
    }

    /**
     * @return the most complete peer credentials reader this JVM allows
     */
    public static PeerCredentialsReader peerCredentialsReader()
    {
        return Holder.READER;
    }

    /**
     * @return user and group name lookups; one that knows nothing if jnr cannot load
     */
    public static NameService names()
    {
        return Holder.NAMES;
    }

    private static final class Holder
    {
        private static final NameService NAMES = loadNames();
        private static final LibC LIBC = loadLibC();
        private static final PeerCredentialsReader READER = chooseReader();

        private static NameService loadNames()
        {
            try
            {
                POSIX posix = POSIXFactory.getNativePOSIX();
                if (posix.isNative())
                    return new JnrNameService(posix);
                LOG.warn("jnr-posix has no native access here: peer user and group names will be missing");
            }
            catch (LinkageError | RuntimeException unavailable)
            {
                LOG.warn("jnr-posix could not load ({}): peer user and group names will be missing", unavailable.toString());
            }
            return new NoNames();
        }

        private static LibC loadLibC()
        {
            try
            {
                return LibraryLoader.create(LibC.class).load("c");
            }
            catch (LinkageError | RuntimeException unavailable)
            {
                LOG.warn("jnr-ffi could not load the C library ({})", unavailable.toString());
                return null;
            }
        }

        private static PeerCredentialsReader chooseReader()
        {
            if (LIBC == null)
                return fallback("jnr-ffi could not load the C library");
            try
            {
                return new JnrPeerCredentialsReader(ChannelFds.open(), LIBC, NAMES);
            }
            catch (ReflectiveOperationException | RuntimeException notExported)
            {
                return fallback("sun.nio.ch is not exported to this code");
            }
        }

        private static PeerCredentialsReader fallback(String why)
        {
            LOG.warn("Peer credentials: reading user and group names only, because {}. Start the JVM with {} " +
                "to also get pid, uid, gid and supplementary groups", why, JVM_OPTIONS);
            return new JdkPeerCredentialsReader();
        }
    }

    private static final class NoNames implements NameService
    {
        @Override
        public String userName(int uid)
        {
            return null;
        }

        @Override
        public String groupName(int gid)
        {
            return null;
        }

        @Override
        public OptionalInt uidOf(String userName)
        {
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt gidOf(String groupName)
        {
            return OptionalInt.empty();
        }
    }
}
