package org.estafeta.auth;

import java.net.InetAddress;
import org.estafeta.net.ClientText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.estafeta.store.StoreException;

/**
 * SCRAM-SHA-256 as the server (RFC 5802 §5, RFC 7677): client-first, server-first (nonce, salt,
 * iterations), client-final with the proof, and the server signature as additional data with
 * success. No channel binding is offered (no -PLUS mechanism), so gs2 flags "n" and "y" are accepted
 * and "p" is refused. An authorization identity must name the authenticating user.
 */
final class ScramExchange implements SaslExchange {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final String METHOD = "SCRAM-SHA-256";

    private enum Stage { CLIENT_FIRST, CLIENT_FINAL, DONE }

    private final Authenticator authenticator;
    private final InetAddress client;
    private Stage stage = Stage.CLIENT_FIRST;
    private boolean challenged;

    /** From client-first: the gs2 header (repeated base64-encoded in client-final) and the bare message. */
    private String gs2Header, clientFirstBare, userName;
    private String serverFirst, nonce;
    private Authenticator.ScramUser user;

    ScramExchange(Authenticator authenticator, InetAddress client) {
        this.authenticator = authenticator;
        this.client = client;
    }

    @Override
    public SaslMechanism mechanism() {
        return SaslMechanism.SCRAM_SHA_256;
    }

    @Override
    public SaslStep next(byte[] response) {
        return switch (stage) {
            case CLIENT_FIRST -> {
                if (response == null && !challenged) {
                    challenged = true;
                    yield new SaslStep.Challenge(new byte[0]);
                }
                yield clientFirst(response);
            }
            case CLIENT_FINAL -> clientFinal(response);
            case DONE -> malformed();
        };
    }

    private SaslStep clientFirst(byte[] response) {
        String text = response == null ? null : Authenticator.utf8(response);
        if (text == null) return malformed();
        int c1 = text.indexOf(','), c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
        if (c2 < 0) return malformed();
        String flag = text.substring(0, c1), authzid = text.substring(c1 + 1, c2);
        if (!flag.equals("n") && !flag.equals("y")) return malformed();
        gs2Header = text.substring(0, c2 + 1);
        clientFirstBare = text.substring(c2 + 1);
        String[] attrs = clientFirstBare.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) return malformed();
        userName = saslName(attrs[0].substring(2));
        String clientNonce = attrs[1].substring(2);
        if (userName == null || userName.isEmpty() || !printable(clientNonce)) return malformed();
        if (!authzid.isEmpty()) {
            String az = authzid.startsWith("a=") ? saslName(authzid.substring(2)) : null;
            if (az == null) return malformed();
            if (!authenticator.qualify(az).equals(authenticator.qualify(userName))) {
                stage = Stage.DONE;
                if (authenticator.blocked(client, userName, METHOD)) return new SaslStep.Failure(AuthFailure.THROTTLED);
                return new SaslStep.Failure(authenticator.failed(client, userName, METHOD, "may not act as " + ClientText.printable(az)).reason());
            }
        }
        if (authenticator.blocked(client, userName, METHOD)) {
            stage = Stage.DONE;
            return new SaslStep.Failure(AuthFailure.THROTTLED);
        }
        try {
            user = authenticator.scramUser(userName);
        } catch (StoreException e) {
            stage = Stage.DONE;
            return new SaslStep.Failure(AuthFailure.UNAVAILABLE);
        }
        byte[] serverNonce = new byte[18];
        RANDOM.nextBytes(serverNonce);
        nonce = clientNonce + B64.encodeToString(serverNonce);
        serverFirst = "r=" + nonce + ",s=" + B64.encodeToString(user.keys().salt()) + ",i=" + user.keys().iterations();
        stage = Stage.CLIENT_FINAL;
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep clientFinal(byte[] response) {
        stage = Stage.DONE;
        String text = response == null ? null : Authenticator.utf8(response);
        if (text == null) return malformed();
        int p = text.lastIndexOf(",p=");
        if (p < 0) return malformed();
        String withoutProof = text.substring(0, p);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) return malformed();
        byte[] proof, binding;
        try {
            proof = B64D.decode(text.substring(p + 3));
            binding = B64D.decode(attrs[0].substring(2));
        } catch (IllegalArgumentException e) {
            return malformed();
        }
        if (!MessageDigest.isEqual(binding, gs2Header.getBytes(StandardCharsets.UTF_8))) {
            return fail("channel binding data does not match");
        }
        if (!attrs[1].substring(2).equals(nonce)) return fail("nonce does not match");
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        ScramSha256.Keys keys = user.keys();
        byte[] clientSignature = ScramSha256.hmac(keys.storedKey(), authMessage);
        if (proof.length != clientSignature.length) return fail("wrong password");
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        boolean proven = MessageDigest.isEqual(ScramSha256.sha256(clientKey), keys.storedKey());
        if (user.account() == null) return fail(user.problem());
        if (!proven) return fail("wrong password");
        if (user.account().disabled()) return fail("account disabled");
        byte[] serverSignature = ScramSha256.hmac(keys.serverKey(), authMessage);
        authenticator.succeeded(client, user.account().address());
        return new SaslStep.Success(user.account(), ("v=" + B64.encodeToString(serverSignature)).getBytes(StandardCharsets.US_ASCII));
    }

    private SaslStep fail(String why) {
        return new SaslStep.Failure(authenticator.failed(client, userName, METHOD, why).reason());
    }

    private SaslStep malformed() {
        stage = Stage.DONE;
        return new SaslStep.Failure(AuthFailure.MALFORMED);
    }

    /** RFC 5802 §5.1 saslname: "=2C" is ',' and "=3D" is '='; any other '=' is an error (null). */
    private static String saslName(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '=') {
                sb.append(c);
            } else if (s.startsWith("=2C", i)) {
                sb.append(',');
                i += 2;
            } else if (s.startsWith("=3D", i)) {
                sb.append('=');
                i += 2;
            } else {
                return null;
            }
        }
        return sb.toString();
    }

    /** RFC 5802 nonce: printable ASCII except ','. */
    private static boolean printable(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') return false;
        }
        return true;
    }
}
