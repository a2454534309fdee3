import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local with its listening socket bound to one address (loopback by default).
 *
 * DynamoDB Local has no host option: its DynamoDBProxyServer builds a Jetty {@code new Server(port)},
 * whose connector binds every interface. This launcher builds the server the way DynamoDB Local's own
 * main does (same command-line options), sets the connector's host before Jetty starts, and starts it.
 * Run with Java's source-file mode: {@code java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java -port 8000 ...}.
 *
 * The address comes from the system property {@code village.dynamodb.host} (default 127.0.0.1).
 *
 * Watchdog: when standard input reaches end-of-file (the Node.js host that spawned it with a pipe has
 * died, however it died, SIGKILL included), the JVM exits, so no orphaned DynamoDB Local keeps the
 * data folder and the port.
 */
public final class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("village.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost(host);
        bound++;
      }
    }
    if (bound == 0) {
      System.err.println("LoopbackDynamoDbLocal: no Jetty ServerConnector to bind to " + host + "; refusing to start on every interface");
      System.exit(3);
    }
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // the host never writes; any byte is ignored
        }
      } catch (java.io.IOException e) {
        // a broken pipe means the host is gone too
      }
      System.exit(0);
    }, "host-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host + " (LoopbackDynamoDbLocal)");
  }
}
