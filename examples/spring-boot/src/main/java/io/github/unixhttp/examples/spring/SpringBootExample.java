package io.github.unixhttp.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web application that knows nothing of Unix sockets: {@code unixhttp-spring-boot} on the class path
 * and {@code --unixhttp.server.socket-path=...} make its Jetty serve on one.
 */
@SpringBootApplication
public class SpringBootExample
{
    public static void main(String[] args)
    {
        SpringApplication.run(SpringBootExample.class, args);
    }
}
