package io.github.unixhttp.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java examples of the README and of the docs pages about the connector, the clients and the one-call server compile as written, imports included.
 */
class DocSnippetsTest
{
    @TempDir
    Path work;

    @Test
    void everyJavaBlockCompilesAsWritten() throws Exception
    {
        Path repository = DocSnippets.repository();
        List<String> failures = new ArrayList<>();
        int blocks = 0;
        for (String page : new String[]{"README.md", "docs/connector.md", "docs/peer-credentials.md", "docs/abstract-names-and-activation.md", "docs/takeover.md", "docs/clients.md", "docs/from-jetty-unixdomain.md"})
        {
            Path markdown = repository.resolve(page);
            blocks += DocSnippets.javaBlocks(markdown).size();
            failures.addAll(DocSnippets.failures(markdown, work));
        }
        assertTrue(blocks >= 9, "Java blocks found: " + blocks);
        assertEquals(List.of(), failures);
    }
}
