package io.github.unixhttp.examples.demo;

import java.time.Duration;

import io.github.unixhttp.core.PeerCredentials;

/**
 * The demo's admin page: who you are as the kernel sees it, and how the server is doing. Self-contained HTML and
 * CSS, no external assets.
 */
final class AdminPage
{
    private static final String STYLE = """
        :root { color-scheme: light dark; --accent: #2563eb; --muted: #6b7280; --card: #ffffff; --bg: #f3f4f6; }
        @media (prefers-color-scheme: dark) { :root { --card: #1f2937; --bg: #111827; --muted: #9ca3af; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); }
        header { background: var(--accent); color: white; padding: 1.2rem 2rem; }
        header h1 { margin: 0; font-size: 1.4rem; }
        header p { margin: .2rem 0 0; opacity: .85; }
        main { display: grid; gap: 1.2rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); padding: 1.5rem 2rem; }
        section { background: var(--card); border-radius: .6rem; padding: 1rem 1.3rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
        h2 { margin: 0 0 .6rem; font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
        dt { color: var(--muted); }
        dd { margin: 0; font-family: ui-monospace, monospace; }
        .big { font-size: 2rem; font-weight: 600; }
        footer { padding: 0 2rem 2rem; color: var(--muted); font-size: .85rem; }
        """;

    private AdminPage()
    {
    }

    /**
     * @param remote the client's address as the application sees it (a trusted proxy's forwarded one, if any)
     * @param url the request's URL as the application sees it (scheme, host and port a trusted proxy forwarded, if any)
     */
    static String render(PeerCredentials peer, String remote, String url, String local, String protocol, Duration uptime,
                         long openConnections, long totalConnections)
    {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" +
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            "<title>unixhttp demo</title><style>" + STYLE + "</style></head><body>" +
            "<header><h1>unixhttp demo</h1><p>HTTP over the Unix socket " + escape(local) + "</p></header><main>" +
            "<section id=\"you\"><h2>You are</h2><dl>" +
            row("user", peer == null ? null : peer.userName()) +
            row("uid", peer != null && peer.knows(PeerCredentials.Field.UID) ? Integer.toString(peer.uid()) : null) +
            row("group", peer == null ? null : peer.groupName()) +
            row("gid", peer != null && peer.knows(PeerCredentials.Field.GID) ? Integer.toString(peer.gid()) : null) +
            row("groups", peer != null && peer.knows(PeerCredentials.Field.GROUPS) ? groups(peer.groups()) : null) +
            row("pid", peer != null && peer.knows(PeerCredentials.Field.PID) ? Integer.toString(peer.pid()) : null) +
            row("client", remote) +
            "</dl></section>" +
            "<section id=\"server\"><h2>Server</h2><dl>" +
            row("uptime", format(uptime)) +
            row("protocol", protocol) +
            row("url", url) +
            "</dl></section>" +
            "<section id=\"connections\"><h2>Connections</h2><div class=\"big\">" + openConnections + "</div>" +
            "<p>open now, " + totalConnections + " since start</p></section>" +
            "</main><footer>The kernel vouches for these credentials (SO_PEERCRED): no password was asked.</footer></body></html>\n";
    }

    private static String row(String label, String value)
    {
        return value == null ? "" : "<dt>" + label + "</dt><dd id=\"peer-" + label + "\">" + escape(value) + "</dd>";
    }

    private static String groups(int[] groups)
    {
        StringBuilder text = new StringBuilder();
        for (int group : groups)
            text.append(text.length() == 0 ? "" : ", ").append(group);
        return text.length() == 0 ? "none" : text.toString();
    }

    private static String format(Duration uptime)
    {
        long seconds = uptime.getSeconds();
        return String.format("%dh %02dm %02ds", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }

    private static String escape(String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
