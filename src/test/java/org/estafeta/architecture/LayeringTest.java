package org.estafeta.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DESIGN.md's package rules, checked from the import lines of the sources. */
class LayeringTest {

    private static final Path SOURCES = Path.of("src/main/java/org/estafeta");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.estafeta\\.([a-z0-9_.]+)\\.[A-Z]", Pattern.MULTILINE);

    /**
     * Protocol packages meet only in auth, store, delivery and events; never import one another.
     * (The queue is not a protocol here: it is SMTP's outbound side and uses smtp.client.)
     */
    private static final Set<String> PROTOCOLS = Set.of("smtp", "pop3", "imap", "managesieve", "web");

    /** Packages allowed to name the concrete store classes. */
    private static final Set<String> WIRING = Set.of("app", "cli", "store");

    @Test
    void protocolPackagesDoNotImportEachOther() throws IOException {
        List<String> violations = new ArrayList<>();
        forEachImport((pkg, imported, file) -> {
            String from = top(pkg), to = top(imported);
            if (PROTOCOLS.contains(from) && PROTOCOLS.contains(to) && !from.equals(to)) {
                violations.add(file + " imports " + imported);
            }
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void onlyWiringUsesConcreteStores() throws IOException {
        List<String> violations = new ArrayList<>();
        forEachImport((pkg, imported, file) -> {
            if (imported.startsWith("store.sql") && !WIRING.contains(top(pkg))) violations.add(file + " imports " + imported);
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void nothingBelowTheProtocolsImportsThem() throws IOException {
        Set<String> foundations = Set.of("net", "tls", "config", "store", "auth", "mime", "sieve", "delivery", "events", "admin", "dns", "mailauth",
                "mailfile",
                "metrics");
        List<String> violations = new ArrayList<>();
        forEachImport((pkg, imported, file) -> {
            if (foundations.contains(top(pkg)) && (PROTOCOLS.contains(top(imported)) || Set.of("app", "cli").contains(top(imported)))) {
                violations.add(file + " imports " + imported);
            }
        });
        assertThat(violations).isEmpty();
    }

    /** Protocols hand messages to the one inbound path through its public types, never its parts (resolver, SRS, trace). */
    @Test
    void protocolsReachDeliveryOnlyThroughTheInboundPath() throws IOException {
        Set<String> inbound = Set.of("Inbound", "InboundMessage", "InboundEnvelope", "Channel", "Route", "Refused");
        Pattern deliveryImport = Pattern.compile("^import org\\.estafeta\\.delivery\\.([A-Z][A-Za-z]*)", Pattern.MULTILINE);
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = top(SOURCES.relativize(file.getParent()).toString().replace('/', '.'));
                if (!PROTOCOLS.contains(pkg)) continue;
                Matcher m = deliveryImport.matcher(Files.readString(file));
                while (m.find()) if (!inbound.contains(m.group(1))) violations.add(file + " imports delivery." + m.group(1));
            }
        }
        assertThat(violations).isEmpty();
    }

    /** DESIGN.md: mailauth is pure protocol code over the dns resolver; dns knows nothing of mail. */
    @Test
    void mailAuthenticationIsPureProtocolCode() throws IOException {
        List<String> violations = new ArrayList<>();
        forEachImport((pkg, imported, file) -> {
            if (top(pkg).equals("mailauth") && !Set.of("mailauth", "dns").contains(top(imported))) violations.add(file + " imports " + imported);
            if (top(pkg).equals("dns") && !top(imported).equals("dns")) violations.add(file + " imports " + imported);
        });
        assertThat(violations).isEmpty();
    }

    /** metrics is a leaf that the wiring feeds through hooks (package-info): it names no package of ours, none but app names it. */
    @Test
    void metricsIsALeafOnlyTheWiringUses() throws IOException {
        List<String> violations = new ArrayList<>();
        forEachImport((pkg, imported, file) -> {
            if (top(pkg).equals("metrics") && !top(imported).equals("metrics")) violations.add(file + " imports " + imported);
            if (top(imported).equals("metrics") && !Set.of("metrics", "app").contains(top(pkg))) violations.add(file + " imports " + imported);
        });
        assertThat(violations).isEmpty();
    }

    interface ImportVisitor {
        void visit(String pkg, String imported, Path file);
    }

    private static void forEachImport(ImportVisitor visitor) throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) visitor.visit(pkg, m.group(1), file);
            }
        }
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }
}
