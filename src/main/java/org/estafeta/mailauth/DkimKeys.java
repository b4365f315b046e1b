package org.estafeta.mailauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The DKIM signing keys, one PEM file per key at {@code DATA/dkim/DOMAIN/SELECTOR.pem} (mode 0600:
 * the private key, then the public key so it need not be derived). Every key of a domain signs, so a
 * rotation publishes the new selector, adds its key, and removes the old one once mail signed with
 * it is delivered.
 */
public final class DkimKeys {

    /** RSA keys we make (RFC 8301 §3.2 asks for at least 2048 bits from signers). */
    static final int RSA_BITS = 2048;

    private static final Pattern VALID_DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    private final Path dir;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public DkimKeys(Path dataDir) {
        this.dir = dataDir.resolve("dkim");
    }

    /** Creates and stores a key; refuses to overwrite an existing selector. */
    public DkimKey generate(String domain, DkimAlgorithm algorithm, String selector) throws IOException {
        domain = domain.toLowerCase(Locale.ROOT);
        if (!VALID_DOMAIN.matcher(domain).matches() || !selector.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("bad domain or selector name");
        }
        Path file = dir.resolve(domain).resolve(selector + ".pem");
        if (Files.exists(file)) throw new IllegalArgumentException("selector " + selector + " of " + domain + " already exists");
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519");
            if (algorithm == DkimAlgorithm.RSA_SHA256) g.initialize(RSA_BITS);
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(file.getParent());
        String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        Files.writeString(file, "", StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
        return new DkimKey(domain, selector, algorithm, pair.getPrivate(), pair.getPublic());
    }

    /** Every key, by domain then selector. */
    public List<DkimKey> all() throws IOException {
        List<DkimKey> keys = new ArrayList<>();
        if (!Files.isDirectory(dir)) return keys;
        try (Stream<Path> domains = Files.list(dir)) {
            for (Path d : domains.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".pem")).sorted().toList()) keys.add(load(f));
                }
            }
        }
        return keys;
    }

    /**
     * The keys that sign mail from this domain (its own directory, exact name). Asked once per
     * submitted message, so the keys are kept and read again only when the directory changed (a key
     * added or removed by {@code estafeta dkim} while the server runs).
     */
    public List<DkimKey> forDomain(String domain) throws IOException {
        String d = domain.toLowerCase(Locale.ROOT);
        // The name comes from a message's From field: it must not walk out of the key directory.
        if (!VALID_DOMAIN.matcher(d).matches() || d.contains("..")) return List.of();
        Path domainDir = dir.resolve(d);
        if (!Files.isDirectory(domainDir)) return List.of();
        FileTime changed = Files.getLastModifiedTime(domainDir);
        Cached cached = cache.get(d);
        if (cached != null && cached.changed().equals(changed)) return cached.keys();
        List<DkimKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(domainDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".pem")).sorted().toList()) keys.add(load(f));
        }
        cache.put(d, new Cached(changed, List.copyOf(keys)));
        return List.copyOf(keys);
    }

    private record Cached(FileTime changed, List<DkimKey> keys) {
    }

    private static DkimKey load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String name = file.getFileName().toString();
        try {
            byte[] priv = block(text, "PRIVATE KEY"), pub = block(text, "PUBLIC KEY");
            String domain = file.getParent().getFileName().toString(), selector = name.substring(0, name.length() - 4);
            for (DkimAlgorithm alg : DkimAlgorithm.values()) {
                KeyFactory f = KeyFactory.getInstance(alg == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519");
                try {
                    return new DkimKey(domain, selector, alg, f.generatePrivate(new PKCS8EncodedKeySpec(priv)),
                            f.generatePublic(new X509EncodedKeySpec(pub)));
                } catch (java.security.spec.InvalidKeySpecException notThisType) {
                    // try the next algorithm
                }
            }
            throw new IOException("DKIM key " + file + " is neither RSA nor Ed25519");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("unreadable DKIM key " + file, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] block(String text, String type) {
        int start = text.indexOf("-----BEGIN " + type + "-----"), end = text.indexOf("-----END " + type + "-----");
        if (start < 0 || end < start) throw new IllegalArgumentException("no " + type);
        return Base64.getMimeDecoder().decode(text.substring(start + type.length() + 16, end));
    }
}
