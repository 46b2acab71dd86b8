package io.github.unixhttp.testing;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The Java examples of the README and of the pages under {@code docs/}: every {@code ```java} block is a whole
 * compilation unit, imports included, and must compile as written against the calling module's class path (the
 * module that has the libraries the page is about). So a newcomer can paste any of them.
 */
public final class DocSnippets
{
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern TYPE_NAME = Pattern.compile("^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)",
        Pattern.MULTILINE);

    private DocSnippets()
    {
    }

    /** @return the repository's top folder, found upwards from the working directory (a module's folder) */
    public static Path repository()
    {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs")))
                return dir;
        }
        throw new IllegalStateException("no README.md with a docs folder above " + Path.of("").toAbsolutePath());
    }

    /**
     * Fails unless every Java block of {@code pages} (paths from the repository's top) compiles, and there are at
     * least {@code atLeast} of them (so that a page losing its examples, or a broken fence, is noticed).
     */
    public static void assertAllCompile(Path work, int atLeast, String... pages) throws IOException
    {
        Path repository = repository();
        List<String> failures = new ArrayList<>();
        int blocks = 0;
        for (String page : pages)
        {
            Path markdown = repository.resolve(page);
            blocks += javaBlocks(markdown).size();
            failures.addAll(failures(markdown, work));
        }
        if (blocks < atLeast)
            throw new AssertionError("only " + blocks + " Java blocks in " + String.join(", ", pages) + ", expected " + atLeast);
        if (!failures.isEmpty())
            throw new AssertionError(String.join("\n", failures));
    }

    /** @return the {@code ```java} blocks of a Markdown file, in order */
    public static List<String> javaBlocks(Path markdown) throws IOException
    {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = JAVA_BLOCK.matcher(Files.readString(markdown, StandardCharsets.UTF_8));
        while (matcher.find())
            blocks.add(matcher.group(1));
        return blocks;
    }

    /**
     * Compiles each Java block of {@code markdown} on its own, with the class path of this JVM.
     *
     * @return one line per block that does not compile, with the compiler's messages; empty if all do
     */
    public static List<String> failures(Path markdown, Path work) throws IOException
    {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> failures = new ArrayList<>();
        List<String> blocks = javaBlocks(markdown);
        for (int i = 0; i < blocks.size(); i++)
        {
            String source = blocks.get(i);
            Matcher type = TYPE_NAME.matcher(source);
            String where = markdown.getFileName() + ", Java block " + (i + 1);
            if (!type.find())
            {
                failures.add(where + ": not a whole class (no class, record, interface or enum declared)");
                continue;
            }
            Path dir = Files.createDirectories(work.resolve("snippet-" + markdown.getFileName() + "-" + (i + 1)));
            Path file = Files.writeString(dir.resolve(type.group(1) + ".java"), source);
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            int status = compiler.run(null, messages, messages, "-proc:none", "-Xlint:none", "-classpath",
                System.getProperty("java.class.path"), "-d", dir.toString(), file.toString());
            if (status != 0)
                failures.add(where + " (" + type.group(1) + ") does not compile:\n" + messages.toString(StandardCharsets.UTF_8));
        }
        return failures;
    }
}
