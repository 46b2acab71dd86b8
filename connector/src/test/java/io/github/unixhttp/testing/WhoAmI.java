package io.github.unixhttp.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the output of {@code whoami_client.py}: the client's own "client pid=.. uid=.." line and the server's
 * "peer.x=..." lines, into one map ("client.pid", "peer.pid", ...).
 */
public final class WhoAmI
{
    private WhoAmI()
    {
    }

    public static Map<String, String> parse(Run.Result result)
    {
        result.requireSuccess();
        Map<String, String> seen = new HashMap<>();
        for (String line : result.stdout().lines().toList())
        {
            if (line.startsWith("client "))
            {
                for (String pair : line.substring("client ".length()).split(" "))
                    seen.put("client." + pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            else if (line.startsWith("peer.") && line.contains("="))
                seen.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return seen;
    }
}
