/*
 * ckanext-liuzhou: run a standalone Apache Solr 9 (from Maven Central jars) for CKAN.
 *
 * Usage (Java 17 single-file source launch; needs a JDK, the source is compiled in memory):
 *
 *   java -cp "$(cat classpath.txt)" solr/Launcher.java SOLR_HOME PORT
 *
 * SOLR_HOME must hold solr.xml and one directory per core with a core.properties file
 * (core discovery). Solr serves http://127.0.0.1:PORT/solr and listens on the loopback
 * interface only: JettySolrRunner hard-codes connector.setHost("127.0.0.1"); we check it
 * after start and refuse to run otherwise.
 *
 * Runs until SIGTERM/SIGINT, then (in a shutdown hook) stops Jetty and closes every core,
 * which commits pending updates, and exits with the JVM's usual status for the signal
 * (143 for SIGTERM).
 *
 * Exit codes otherwise: 1 start failed (port in use, bad config, a core failed to load),
 * 2 usage error.
 *
 * scripts/solr.sh compiles this file once into a small jar (cached by content) instead of
 * using the source launcher at every start: that saves the in-memory javac run (~2 s here)
 * and lets the JVM use a class-data-sharing archive. Both ways run the same code.
 */

import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class Launcher {

  private static final String LOOPBACK = "127.0.0.1";

  /**
   * Jersey (Solr's v2 API) logs through java.util.logging straight to stderr, e.g. a WARNING
   * about a missing jakarta.activation provider at every start. Held in a static field: JUL
   * keeps loggers only weakly, a level set on a collected logger would be lost.
   */
  private static final java.util.logging.Logger JERSEY_JUL =
      java.util.logging.Logger.getLogger("org.glassfish.jersey");

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java -cp CLASSPATH Launcher.java SOLR_HOME PORT");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath().normalize();
    int port;
    try {
      port = Integer.parseInt(args[1]);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      System.err.println("launcher: PORT must be 1..65535, got '" + args[1] + "'");
      System.exit(2);
    }
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("launcher: no solr.xml in " + home);
      System.exit(2);
    }

    long t0 = System.nanoTime();
    JERSEY_JUL.setLevel(java.util.logging.Level.SEVERE);
    JettyConfig config =
        JettyConfig.builder()
            .setContext("/solr")
            .setPort(port)
            // fail at once when the port is taken (the default retries for 60 s)
            .withPortRetryTime(0)
            // we stop Jetty ourselves from the hook below, in a known order
            .stopAtShutdown(false)
            .build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), config);

    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              System.out.println("launcher: stopping Solr");
              try {
                solr.stop();
                System.out.println("launcher: Solr stopped");
              } catch (Exception e) {
                System.err.println("launcher: error while stopping: " + e);
              } finally {
                stopped.countDown();
                shutdownLogging();
              }
            },
            "solr-launcher-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    try {
      solr.start(); // returns after every discovered core finished loading
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      if (root instanceof BindException || e instanceof BindException) {
        System.err.println("launcher: port " + port + " on " + LOOPBACK + " is already in use");
      } else {
        System.err.println("launcher: Solr failed to start: " + e);
        e.printStackTrace();
      }
      System.exit(1); // runs the hook, which stops what was started
    }

    String host = solr.getBaseUrl().getHost();
    if (!LOOPBACK.equals(host)) {
      System.err.println("launcher: refusing to serve on " + host + " (expected " + LOOPBACK + ")");
      System.exit(1);
    }

    CoreContainer cores = solr.getCoreContainer();
    if (cores == null) {
      System.err.println("launcher: Solr started but its CoreContainer is unavailable");
      System.exit(1);
    }
    Map<String, CoreContainer.CoreLoadFailure> failures = cores.getCoreInitFailures();
    if (!failures.isEmpty()) {
      failures.forEach(
          (name, f) -> {
            Throwable root = f.exception;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            System.err.println("launcher: core '" + name + "' failed to load: " + root);
          });
      System.err.println(
          "launcher: fix the config set, or drop a corrupt index with"
              + " `scripts/solr.sh reset-core NAME`");
      System.exit(1);
    }

    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println(
        "launcher: Solr "
            + org.apache.solr.client.api.util.SolrVersion.LATEST
            + " (Lucene "
            + org.apache.lucene.util.Version.LATEST
            + ") ready at "
            + solr.getBaseUrl()
            + " in "
            + ms
            + " ms; cores: "
            + cores.getAllCoreNames());
    System.out.flush();

    stopped.await(); // until the shutdown hook has stopped Solr
  }

  /** log4j2's own shutdown hook is disabled in log4j2.xml so that Solr's close is still logged. */
  private static void shutdownLogging() {
    try {
      org.apache.logging.log4j.LogManager.shutdown();
    } catch (Throwable ignored) {
      // a classpath without log4j-core: nothing to flush
    }
  }
}
