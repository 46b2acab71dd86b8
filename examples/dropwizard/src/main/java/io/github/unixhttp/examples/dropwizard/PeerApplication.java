package io.github.unixhttp.examples.dropwizard;

import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;

/**
 * A Dropwizard application that knows nothing of Unix sockets: its {@code config.yml} says
 * {@code type: unixhttp}, and the {@code unixhttp-dropwizard} artifact on its class path does the rest.
 *
 * <pre>java -jar unixhttp-dropwizard-example.jar server config.yml</pre>
 */
public class PeerApplication extends Application<Configuration>
{
    public static void main(String[] args) throws Exception
    {
        new PeerApplication().run(args);
    }

    @Override
    public String getName()
    {
        return "unixhttp-dropwizard-example";
    }

    @Override
    public void run(Configuration configuration, Environment environment)
    {
        environment.jersey().register(new WhoAmIResource());
    }
}
