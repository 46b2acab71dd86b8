package io.github.unixhttp.unit.spring;

import java.util.Optional;

import io.github.unixhttp.core.PeerCredentials;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** A Spring MVC application for the tests: who is calling, three ways. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(PeerApp.PeerController.class)
class PeerApp
{
    @RestController
    static class PeerController
    {
        @GetMapping("/peer")
        String peer(PeerCredentials peer)
        {
            return "uid " + peer.uid();
        }

        @GetMapping("/maybe")
        String maybe(Optional<PeerCredentials> peer)
        {
            return peer.map(credentials -> "uid " + credentials.uid()).orElse("over TCP");
        }

        @GetMapping("/remote")
        String remote(jakarta.servlet.http.HttpServletRequest request)
        {
            return request.getRemoteAddr();
        }

        @GetMapping("/attribute")
        String attribute(@RequestAttribute(name = PeerCredentials.UID_ATTRIBUTE) int uid)
        {
            return "uid " + uid;
        }
    }
}
