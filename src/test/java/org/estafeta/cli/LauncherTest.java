package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./estafeta launcher gives the JVM a bounded heap by default (left alone, the JVM takes a quarter
 * of the machine's memory), and ESTAFETA_JAVA_OPTS replaces it. Run on a copy of the launcher with a
 * stand-in "JDK" whose java prints the options it was given.
 */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void defaultHeapLimitAndItsOverride() throws Exception {
        Path repo = dir.resolve("repo"), jdk = dir.resolve("jdk");
        Files.createDirectories(repo.resolve(".mvn"));
        Files.createDirectories(repo.resolve("src/main"));
        Files.createDirectories(repo.resolve("target"));
        Files.createDirectories(jdk.resolve("bin"));
        executable(repo.resolve("estafeta"), Files.readString(Path.of("estafeta")));
        Files.copy(Path.of(".mvn/find-jdk.sh"), repo.resolve(".mvn/find-jdk.sh"));
        Files.writeString(repo.resolve("pom.xml"), "");
        Instant old = Instant.now().minusSeconds(3600);
        Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(old));
        Files.setLastModifiedTime(repo.resolve("src/main"), FileTime.from(old));
        Files.writeString(repo.resolve("target/estafeta.jar"), "");
        executable(jdk.resolve("bin/java"), "#!/bin/sh\n[ \"$1\" = -version ] && { echo 'openjdk version \"25\"' >&2; exit 0; }\necho \"$@\"\n");
        executable(jdk.resolve("bin/javac"), "#!/bin/sh\n");

        assertThat(run(repo, jdk, null)).contains("-Xmx512m").contains("-jar " + repo.resolve("target/estafeta.jar") + " serve");
        assertThat(run(repo, jdk, "-Xmx2g -Dx=y")).contains("-Xmx2g -Dx=y -jar").doesNotContain("-Xmx512m");
        assertThat(run(repo, jdk, "")).doesNotContain("-Xmx");
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private static String run(Path repo, Path jdk, String javaOpts) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(repo.resolve("estafeta").toString(), "serve")).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", jdk.toString());
        if (javaOpts == null) env.remove("ESTAFETA_JAVA_OPTS");
        else env.put("ESTAFETA_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
