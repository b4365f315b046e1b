package org.estafeta.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802 §3), written from the RFC with the JDK's primitives only,
 * so that it checks the server's code rather than sharing it. ASCII passwords and names only.
 */
public final class ScramClient {

    private final String user;
    private final String password;
    private final String clientNonce;
    private String authMessage;
    private byte[] saltedPassword;

    public ScramClient(String user, String password) {
        this.user = user;
        this.password = password;
        byte[] n = new byte[18];
        new SecureRandom().nextBytes(n);
        this.clientNonce = Base64.getEncoder().encodeToString(n);
    }

    private String clientFirstBare() {
        return "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
    }

    public byte[] clientFirst() {
        return ("n,," + clientFirstBare()).getBytes(StandardCharsets.UTF_8);
    }

    /** The client-final message for the server-first message {@code serverFirst}. */
    public byte[] clientFinal(byte[] serverFirst) {
        String sf = new String(serverFirst, StandardCharsets.UTF_8);
        String nonce = null, salt = null;
        int iterations = 0;
        for (String attr : sf.split(",")) {
            if (attr.startsWith("r=")) nonce = attr.substring(2);
            if (attr.startsWith("s=")) salt = attr.substring(2);
            if (attr.startsWith("i=")) iterations = Integer.parseInt(attr.substring(2));
        }
        if (nonce == null || !nonce.startsWith(clientNonce)) throw new IllegalStateException("bad server nonce: " + sf);
        String withoutProof = "c=biws,r=" + nonce;
        authMessage = clientFirstBare() + "," + sf + "," + withoutProof;
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            saltedPassword = f.generateSecret(new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(salt), iterations, 256)).getEncoded();
            byte[] clientKey = hmac(saltedPassword, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] signature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the server-final message proves that the server knows our keys. */
    public boolean verifyServerFinal(byte[] serverFinal) {
        String expected = "v=" + Base64.getEncoder().encodeToString(hmac(hmac(saltedPassword, "Server Key"), authMessage));
        return expected.equals(new String(serverFinal, StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
