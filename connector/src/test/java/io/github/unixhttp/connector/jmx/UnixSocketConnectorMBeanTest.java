package io.github.unixhttp.connector.jmx;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector under Jetty's JMX support, as a console sees it.
 */
class UnixSocketConnectorMBeanTest
{
    /** Types every JMX console can show without the application's classes. */
    private static final Set<String> PLAIN_TYPES = Set.of("int", "long", "boolean", "java.lang.String", "java.lang.Integer",
        "java.lang.Long", "java.lang.Boolean", "javax.management.ObjectName");

    @TempDir
    Path dir;

    @Test
    void everyAttributeOfTheConnectorIsPlainTextOrANumber() throws Exception
    {
        MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
        PeerPolicy policy = PeerPolicy.anyOf(PeerPolicy.builder().allowUid(0).build(), PeerPolicy.builder().allowGroup("adm").build());
        Path socket = dir.resolve("app.sock");
        try (TestServer server = TestServer.start(socket, connector ->
        {
            connector.getServer().addBean(new MBeanContainer(mbeans));
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0660")).build());
            connector.setPeerPolicy(policy);
        }))
        {
            Set<ObjectName> names = mbeans.queryNames(new ObjectName("io.github.unixhttp.connector:type=unixsocketconnector,*"), null);
            assertEquals(1, names.size(), "MBeans: " + names);
            ObjectName name = names.iterator().next();

            Map<String, String> types = new HashMap<>();
            for (MBeanAttributeInfo attribute : mbeans.getMBeanInfo(name).getAttributes())
                types.put(attribute.getName(), attribute.getType());
            for (String ours : declaredAttributes())
            {
                assertTrue(types.containsKey(ours), "attribute " + ours + " is not exposed: " + types.keySet());
                assertTrue(PLAIN_TYPES.contains(types.get(ours)), "attribute " + ours + " has type " + types.get(ours));
            }

            assertEquals(socket.toString(), mbeans.getAttribute(name, "socketPath"));
            assertEquals("mode=0660 group=process stale=REMOVE whenReplaced=STOP_SERVER checkEvery=200ms",
                mbeans.getAttribute(name, "socketFile"));
            assertEquals("any of (allowed: uids [0]; allowed: groups [adm])", mbeans.getAttribute(name, "peerPolicy"));
            // The default: the server's own user.
            Object trustedProxies = mbeans.getAttribute(name, "trustedProxies");
            assertEquals(server.connector().getTrustedProxies().toString(), trustedProxies);
            assertTrue(trustedProxies.toString().matches("allowed: uids \\[\\d+]"), trustedProxies.toString());
            assertEquals(1024, mbeans.getAttribute(name, "acceptQueueSize"));
            assertEquals(0L, mbeans.getAttribute(name, "refusedConnections"));
        }
    }

    /** The attribute names the connector class itself declares (Jetty's inherited ones are Jetty's business). */
    private static Set<String> declaredAttributes()
    {
        return Arrays.stream(UnixSocketConnector.class.getDeclaredMethods())
            .filter(method -> method.isAnnotationPresent(ManagedAttribute.class))
            .map(UnixSocketConnectorMBeanTest::attributeName)
            .collect(Collectors.toSet());
    }

    private static String attributeName(Method getter)
    {
        String named = getter.getAnnotation(ManagedAttribute.class).name();
        if (!named.isEmpty())
            return named;
        String bare = getter.getName().replaceFirst("^(get|is)", "");
        return Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }
}
