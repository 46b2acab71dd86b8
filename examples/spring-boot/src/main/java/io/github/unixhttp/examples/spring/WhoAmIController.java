package io.github.unixhttp.examples.spring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.unixhttp.core.PeerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who is calling, as the kernel reported it when the caller connected to the socket.
 */
@RestController
public class WhoAmIController
{
    private static final Logger LOG = LoggerFactory.getLogger(WhoAmIController.class);

    /** The caller's uid, from a request attribute: {@code curl --unix-socket app.sock http://localhost/uid}. */
    @GetMapping("/uid")
    public String uid(@RequestAttribute(PeerCredentials.UID_ATTRIBUTE) int uid)
    {
        return uid + "\n";
    }

    /** Everything known about the caller, from a {@link PeerCredentials} parameter. */
    @GetMapping("/whoami")
    public Map<String, Object> whoami(PeerCredentials peer)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uid", peer.knows(PeerCredentials.Field.UID) ? peer.uid() : null);
        json.put("gid", peer.knows(PeerCredentials.Field.GID) ? peer.gid() : null);
        json.put("groups", peer.knows(PeerCredentials.Field.GROUPS) ? Arrays.stream(peer.groups()).boxed().toList() : null);
        json.put("pid", peer.knows(PeerCredentials.Field.PID) ? peer.pid() : null);
        json.put("user", peer.userName());
        json.put("group", peer.groupName());
        return json;
    }

    /** Answers after {@code ms} milliseconds (at most 10 s): a request that is still in flight when the application stops. */
    @GetMapping("/slow")
    public String slow(@RequestParam(name = "ms", defaultValue = "2000") long ms) throws InterruptedException
    {
        LOG.info("slow request started: answering in {} ms", ms);
        Thread.sleep(Math.min(Math.max(ms, 0), 10_000));
        return "done after " + ms + " ms\n";
    }
}
