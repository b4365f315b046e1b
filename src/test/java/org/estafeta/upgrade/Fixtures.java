package org.estafeta.upgrade;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** The committed data directories of earlier versions, copied before use so that the originals stay as they were made. */
final class Fixtures {

    private Fixtures() {
    }

    static Properties about(Path fixture) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(fixture.resolve("fixture.properties"))) {
            p.load(r);
        }
        return p;
    }

    static List<String> users(Properties about) {
        return about.stringPropertyNames().stream().filter(k -> k.startsWith("password.")).map(k -> k.substring("password.".length())).sorted().toList();
    }

    /** Copies {@code fixture/data} to {@code target} and returns it. */
    static Path copy(Path fixture, Path target) throws IOException {
        Path source = fixture.resolve("data");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        return target;
    }
}
