package io.github.unixhttp.examples;

import java.nio.file.Path;

import io.github.unixhttp.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples of the README and of the docs pages about the connector, the settings schema, the clients and the one-call server compile as written, imports included.
 */
class DocSnippetsTest
{
    @TempDir
    Path work;

    @Test
    void everyJavaBlockCompilesAsWritten() throws Exception
    {
        DocSnippets.assertAllCompile(work, 15, "README.md", "docs/connector.md", "docs/settings.md", "docs/peer-credentials.md", "docs/audit.md", "docs/limits.md", "docs/abstract-names-and-activation.md", "docs/takeover.md", "docs/clients.md", "docs/from-jetty-unixdomain.md", "docs/tls.md");
    }
}
