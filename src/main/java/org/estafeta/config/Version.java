package org.estafeta.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version (the Maven project version), as the store records it and {@code --version} prints it. */
public final class Version {

    private static final String CURRENT = read();

    private Version() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/org/estafeta/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
