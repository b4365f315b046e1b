import java.nio.file.Path;
import java.util.Map;
import org.estafeta.app.Storage;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.config.ConfigLoader;

/**
 * Creates bench users in one JVM through the same store API as {@code estafeta user add} (one CLI
 * call per user costs a JVM start each): {@code java -cp target/estafeta.jar bench/BenchUsers.java
 * DATA DOMAIN COUNT PASSWORD} makes user1@DOMAIN … userCOUNT@DOMAIN.
 */
public class BenchUsers {
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        String domain = args[1];
        int count = Integer.parseInt(args[2]);
        String password = args[3];
        try (Storage storage = Storage.open(ConfigLoader.load(data, null, Map.of(), 0))) {
            if (!storage.accounts().servesDomain(domain)) storage.accounts().addDomain(domain);
            PasswordHasher hasher = new PasswordHasher();
            for (int i = 1; i <= count; i++) {
                storage.accounts().addAccount("user" + i + "@" + domain, hasher.credentials(password), false);
            }
        }
    }
}
