package io.github.unixhttp.examples.dropwizard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java examples of docs/dropwizard.md compile as written, imports included, on what a Dropwizard application has.
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
        for (String page : new String[]{"docs/dropwizard.md"})
        {
            Path markdown = repository.resolve(page);
            blocks += DocSnippets.javaBlocks(markdown).size();
            failures.addAll(DocSnippets.failures(markdown, work));
        }
        assertTrue(blocks >= 1, "Java blocks found: " + blocks);
        assertEquals(List.of(), failures);
    }
}
