# unixhttp: HTTP over a Unix socket file with its mode and group set before any client can connect, stale-socket
# handling, peer credentials as request attributes and a peer policy. https://github.com/unixhttp/unixhttp

[description]
Enables HTTP/1.1 over a Unix domain socket (a file path, or @name for a Linux abstract socket) with the unixhttp
connector: atomic socket file mode and group, a dead socket left by kill -9 replaced (never a live one), the
peer's pid/uid/gid/groups as request attributes (io.github.unixhttp.peer.*), and who may connect decided by uid
and group at accept.

[tags]
connector
unixdomain

[depend]
server

# After the modules that add customizers to httpConfig, so that the connector's copy of it has them.
[after]
http-forwarded

[lib]
lib/unixhttp/*.jar

[xml]
etc/jetty-unixhttp.xml

# The connector reads the peer's uid, gid, pid and supplementary groups from the JDK channel's descriptor, which
# needs sun.nio.ch exported; jnr loads native code, which JDK 22+ wants allowed. Listed under [exec], so that
# start.jar forks a JVM with these options (without them the connector still serves, with user and group names
# only, and says so once in the log).
[exec]
--add-exports=java.base/sun.nio.ch=ALL-UNNAMED
--enable-native-access=ALL-UNNAMED

[ini-template]
# tag::documentation[]
## The socket: a file path (at most 107 bytes, in an existing directory), or @name for a Linux abstract socket.
## Required unless jetty.unixhttp.inherit is set.
# jetty.unixhttp.path=/run/jetty/jetty.sock

## The socket file's permission bits in octal, in place before any client can connect (default: what the umask gives).
## 0660 admits the owner and the file's group, e.g. a reverse proxy's group.
# jetty.unixhttp.mode=0660

## The socket file's group, a name or a gid (the server's user must be root or a member of it).
# jetty.unixhttp.group=www-data

## A socket at the path that nothing listens on any more (left by kill -9): remove it, or fail to start.
## A live server's socket, or a file that is not a socket, is never touched.
# jetty.unixhttp.staleSocket=remove

## Who may connect, by the peer's kernel-vouched credentials: comma-separated user names or uids, and group names or
## gids (primary or supplementary). A peer matching either list is admitted; others get 403 and no handler runs.
## Unset: everyone who can open the socket file.
# jetty.unixhttp.allowUsers=
# jetty.unixhttp.allowGroups=

## Users (names or uids) whose PROXY protocol and Forwarded/X-Forwarded-* headers are believed, e.g. nginx's www-data.
## Default: only peers running as Jetty's own user. (Forwarded headers are read when the http-forwarded module is on.)
# jetty.unixhttp.trustProxies=

## Serve the socket a supervisor passed instead of binding one: true (fd 0, or systemd's only LISTEN_FDS socket), or
## the FileDescriptorName= of one of several systemd sockets. Leave jetty.unixhttp.path unset then.
# jetty.unixhttp.inherit=false

## Bind even in a directory where another user could replace the socket file (logged as a warning at each start).
# jetty.unixhttp.allowUnsafeDirectory=false

## Restart without a failed request: a new Jetty started with takeover=true while the old one (same user) still serves
## on the path binds privately, swaps its socket in once started, and the old one drains and stops by itself.
# jetty.unixhttp.takeover=false

## Which program may connect (Linux 6.5+): executables (absolute paths), systemd units, cgroup paths, comma-separated.
## With allowUsers/allowGroups, a peer must match both.
# jetty.unixhttp.allowExecutables=
# jetty.unixhttp.allowUnits=
# jetty.unixhttp.allowCgroups=

## Read each peer's process (executable, unit, cgroup) for the request attributes and logs (Linux 6.5+).
# jetty.unixhttp.readPeerProcess=false

## The audit trail: a JSON line per accepted, refused and closed connection, on the logger io.github.unixhttp.audit.
# jetty.unixhttp.audit=false

## Per-caller limits (a caller is a uid): connections at once (default 1024), requests in flight, requests per second.
# jetty.unixhttp.callerMaxConnections=1024
# jetty.unixhttp.callerMaxRequestsInFlight=
# jetty.unixhttp.callerRequestRate=

## Selector threads (-1 picks a default from the number of cores); acceptor threads (0: accept in the selector).
# jetty.unixhttp.selectors=-1
# jetty.unixhttp.acceptors=0

## The listen backlog.
# jetty.unixhttp.acceptQueueSize=1024

## Milliseconds a connection may stay idle.
# jetty.unixhttp.idleTimeout=30000
# end::documentation[]
