package io.github.unixhttp.examples.spring;

import java.nio.file.Path;

import io.github.unixhttp.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples of docs/spring-boot.md compile as written, imports included, on what a Spring Boot application has.
 */
class DocSnippetsTest
{
    @TempDir
    Path work;

    @Test
    void everyJavaBlockCompilesAsWritten() throws Exception
    {
        DocSnippets.assertAllCompile(work, 1, "docs/spring-boot.md");
    }
}
