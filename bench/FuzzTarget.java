import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs one @FuzzTest (argument: Class#method) through the JUnit launcher, as Maven's surefire would but
 * without Maven's start-up, so that bench/fuzz.sh spends the machine on fuzzing. Jazzer reads
 * JAZZER_FUZZ and the jazzer.* system properties; exits 1 if the test failed (a finding).
 */
public class FuzzTarget {
    public static void main(String[] args) throws ClassNotFoundException {
        String[] target = args[0].split("#");
        Class<?> testClass = Class.forName(target[0]);
        var method = java.util.Arrays.stream(testClass.getDeclaredMethods()).filter(m -> m.getName().equals(target[1])).findFirst().orElseThrow();
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectMethod(testClass, method)).build();
        var summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, summary);
        summary.getSummary().printFailuresTo(new java.io.PrintWriter(System.out), 30);
        System.exit(summary.getSummary().getTotalFailureCount() == 0 && summary.getSummary().getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
