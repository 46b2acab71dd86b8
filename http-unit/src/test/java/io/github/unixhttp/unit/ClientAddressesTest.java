package io.github.unixhttp.unit;

import java.util.List;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import io.github.unixhttp.unit.jetty.JettyUnixWebSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clients take the server's own address type, {@link UnixSocketAddress}, and refuse the one kind a client cannot
 * connect to where it is given, not at the first request.
 */
class ClientAddressesTest
{
    private static final UnixClientOptions OPTIONS = UnixClientOptions.defaults();

    @Test
    void everyClientRefusesAnInheritedSocketSayingWhatToPassInstead()
    {
        for (UnixSocketAddress inherited : List.of(UnixSocketAddress.inherited(), UnixSocketAddress.inherited("web")))
        {
            List<Executable> clients = List.of(
                () -> UnixHttpClients.create(inherited),
                () -> UnixHttpClients.custom(inherited, OPTIONS),
                () -> UnixHttpAsyncClients.create(inherited),
                () -> UnixHttpAsyncClients.custom(inherited, OPTIONS),
                () -> JettyUnixClients.transport(inherited),
                () -> JettyUnixClients.newHttpClient(inherited, OPTIONS),
                () -> JettyUnixWebSockets.newWebSocketClient(inherited));
            for (Executable client : clients)
            {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, client);
                assertTrue(refused.getMessage().startsWith("A client cannot connect to " + inherited + ": ") &&
                    refused.getMessage().contains("UnixSocketAddress.ofPath"), refused.getMessage());
            }
        }
    }
}
