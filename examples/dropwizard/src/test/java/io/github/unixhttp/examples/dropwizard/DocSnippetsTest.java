package io.github.unixhttp.examples.dropwizard;

import java.nio.file.Path;

import io.github.unixhttp.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        DocSnippets.assertAllCompile(work, 1, "docs/dropwizard.md");
    }
}
