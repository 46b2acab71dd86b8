package io.github.unixhttp.core.internal.platform;

import java.util.Locale;
import java.util.function.Supplier;

import io.github.unixhttp.core.internal.nativeedge.NativeEdge;

/**
 * Which of the two platform layers this JVM uses, chosen once:
 * <ul>
 *   <li>the <b>Linux layer</b>: the JDK's channels plus native calls through jnr (descriptor-relative binding,
 *   {@code SO_PEERCRED} with pid and {@code SO_PEERGROUPS}, abstract names, {@code LISTEN_FDS}, takeover by
 *   {@code renameat2(RENAME_EXCHANGE)}, a stop that drains the backlog); on Linux whenever jnr loads;</li>
 *   <li>the <b>portable layer</b>: JDK APIs only, for macOS, Windows, the BSDs, and Linux where jnr cannot load (or
 *   when asked for with {@code -Dunixhttp.platform=portable} or {@code UNIXHTTP_PLATFORM=portable}): the socket file
 *   still gets its mode and group before it is published, the stale-socket probe, the start lock and
 *   unlink-only-if-ours; peer user and group from the JDK's {@code SO_PEERCRED} where the JDK offers it.</li>
 * </ul>
 * A feature one layer cannot give is refused when it is configured, by a message {@link #refusal} words the same way
 * everywhere: what, on which layer and system, why, and what to use instead.
 */
public final class Platform
{
    /** The system property that forces a layer: {@code linux}, {@code portable}, or {@code auto} (the default). */
    public static final String PROPERTY = "unixhttp.platform";
    /** The environment variable read when the property is not set (it reaches child JVMs, too). */
    public static final String ENVIRONMENT = "UNIXHTTP_PLATFORM";

    /** The two layers. */
    public enum Layer
    {
        LINUX, PORTABLE
    }

    private static volatile Platform current;

    private final Layer layer;
    private final String os;
    private final String why;

    private Platform(Layer layer, String os, String why)
    {
        this.layer = layer;
        this.os = os;
        this.why = why;
    }

    /**
     * @return the layer this JVM uses, chosen at the first call
     * @throws IllegalStateException if the Linux layer was asked for and cannot be had here, saying why
     */
    public static Platform current()
    {
        Platform chosen = current;
        if (chosen == null)
        {
            synchronized (Platform.class)
            {
                chosen = current;
                if (chosen == null)
                    current = chosen = choose(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT),
                        System.getProperty("os.name", "an unknown system"), NativeEdge::whyNoLinuxLayer);
            }
        }
        return chosen;
    }

    /**
     * @param property the {@link #PROPERTY} value, or {@code null}
     * @param environment the {@link #ENVIRONMENT} value, or {@code null}
     * @param os the {@code os.name}
     * @param whyNoLinuxLayer why the Linux layer cannot load here, or {@code null} if it can; asked only on Linux
     */
    static Platform choose(String property, String environment, String os, Supplier<String> whyNoLinuxLayer)
    {
        String asked = property != null && !property.isBlank() ? property : environment;
        String setting = asked == null || asked.isBlank() ? "auto" : asked.trim().toLowerCase(Locale.ROOT);
        String source = property != null && !property.isBlank() ? "-D" + PROPERTY + "=" + property : ENVIRONMENT + "=" + environment;
        boolean linux = os.startsWith("Linux");
        switch (setting)
        {
            case "portable":
                return new Platform(Layer.PORTABLE, os, "forced by " + source);
            case "linux":
            {
                if (!linux)
                    throw new IllegalStateException(source + " asks for unixhttp's Linux layer, and this is " + os +
                        ": remove the setting (the portable layer is chosen by itself here)");
                String problem = whyNoLinuxLayer.get();
                if (problem != null)
                    throw new IllegalStateException(source + " asks for unixhttp's Linux layer, and it cannot load here: " +
                        problem + ". Remove the setting to run on the portable layer (JDK APIs only)");
                return new Platform(Layer.LINUX, os, source);
            }
            case "auto":
            {
                if (!linux)
                    return new Platform(Layer.PORTABLE, os, "this is " + os);
                String problem = whyNoLinuxLayer.get();
                return problem == null ? new Platform(Layer.LINUX, os, "Linux, native calls available")
                    : new Platform(Layer.PORTABLE, os, problem);
            }
            default:
                throw new IllegalStateException(source + " is not a platform layer: use linux, portable or auto");
        }
    }

    /** @return the layer in use */
    public Layer layer()
    {
        return layer;
    }

    /** @return whether the Linux layer is in use */
    public boolean isLinux()
    {
        return layer == Layer.LINUX;
    }

    /** @return whether this runs on Windows, whose file system has no POSIX permissions and whose JDK reads no peer */
    public boolean isWindows()
    {
        return os.startsWith("Windows");
    }

    /** @return the system's name, as {@code os.name} gives it */
    public String os()
    {
        return os;
    }

    /** @return the layer and why it was chosen, for messages and the start-up log */
    public String describe()
    {
        return (layer == Layer.LINUX ? "the Linux layer" : "the portable layer") + " (" + why + ")";
    }

    /**
     * @param what the feature asked for, as its user would name it, e.g. "An abstract name (@app)"
     * @param instead what to do instead on this layer
     * @return the refusal to throw, naming the layer, the system, why, and the way out
     */
    public IllegalStateException refusal(String what, String instead)
    {
        return new IllegalStateException(what + " needs unixhttp's Linux layer, and this JVM on " + os + " uses " +
            describe() + ": " + instead);
    }

    @Override
    public String toString()
    {
        return describe();
    }
}
