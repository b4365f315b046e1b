// Cost of the Sieve step per message: parse + run a 50-rule script (no match, so every rule is
// tested) against a 2 KB message, in-process, one thread. Run after ./mvnw dependency:build-classpath -Dmdep.outputFile=cp.txt:
//   java -cp target/classes:$(cat cp.txt) bench/SieveBench.java
import java.util.List;
import org.estafeta.sieve.*;

public class SieveBench {
    public static void main(String[] a) throws Exception {
        StringBuilder s = new StringBuilder("require [\"fileinto\",\"imap4flags\"];\n");
        for (int i = 0; i < 50; i++) s.append("if header :contains [\"subject\",\"from\"] \"nomatch").append(i).append("\" { fileinto \"F").append(i).append("\"; }\n");
        Script script = Compiler.compile(s.toString(), SieveLimits.DEFAULT);
        byte[] msg = ("From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: quarterly numbers\r\nMessage-ID: <1@x>\r\n\r\n"
                + "body text\r\n".repeat(200)).getBytes();
        Context ctx = new Context("alice@example.org", "bob@example.com", List.of("bob@example.com"), "mx", m -> true, java.time.Instant.now());
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime(); int n = 20000;
            for (int i = 0; i < n; i++) Interpreter.run(script, new ParsedMessage(msg), ctx, SieveLimits.DEFAULT);
            double perSec = n / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("50-rule script, parse message + run: %.0f msg/s (%.1f µs/msg)%n", perSec, 1e6 / perSec);
        }
    }
}
