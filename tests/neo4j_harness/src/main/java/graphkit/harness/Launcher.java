package graphkit.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Test-time launcher for graphkit's pytest suite: runs the Neo4j Community engine
 * in-process through neo4j-harness, with only a Bolt connector on 127.0.0.1 and a
 * free port.
 *
 * <p>Protocol: prints exactly one line {@code BOLT_URI=bolt://127.0.0.1:PORT} on stdout
 * once the database accepts connections, then blocks until stdin reaches EOF (or the JVM
 * gets SIGTERM/SIGINT), closes the harness, deletes its working directory and exits 0.
 * Everything else goes to stderr. Startup failure: stack trace on stderr, exit 1.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code --password PW}: enable authentication; user {@code neo4j} gets password PW
 *       (any length, no change required). Without it authentication is disabled.</li>
 *   <li>{@code --host H} / {@code --port N}: Bolt listen address (default 127.0.0.1:0 = free port).</li>
 *   <li>{@code --work-dir DIR}: parent of the temporary working directory (default java.io.tmpdir).</li>
 *   <li>{@code --copy-from DIR}: start from an existing layout (DIR/data/databases/neo4j and
 *       DIR/data/transactions/neo4j), e.g. one written by {@code neo4j-admin database import}.</li>
 *   <li>{@code --pagecache-mb N}: page cache size (default 256).</li>
 *   <li>{@code --keep}: keep the working directory on exit.</li>
 *   <li>{@code --ignore-stdin}: do not watch stdin; run until SIGTERM/SIGINT.</li>
 * </ul>
 */
public final class Launcher {

    private static final PrintStream OUT = new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        // Keep stdout for the protocol line only: anything else printing to System.out
        // (logging, libraries) goes to stderr.
        System.setOut(System.err);
        String password = null;
        String host = "127.0.0.1";
        int port = 0;
        Path workParent = Path.of(System.getProperty("java.io.tmpdir"));
        Path copyFrom = null;
        long pagecacheMb = 256;
        boolean keep = false;
        boolean ignoreStdin = false;

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--password" -> password = need(args, ++i, a);
                case "--host" -> host = need(args, ++i, a);
                case "--port" -> port = Integer.parseInt(need(args, ++i, a));
                case "--work-dir" -> workParent = Path.of(need(args, ++i, a));
                case "--copy-from" -> copyFrom = Path.of(need(args, ++i, a));
                case "--pagecache-mb" -> pagecacheMb = Long.parseLong(need(args, ++i, a));
                case "--keep" -> keep = true;
                case "--ignore-stdin" -> ignoreStdin = true;
                case "-h", "--help" -> {
                    System.err.println("usage: Launcher [--password PW] [--host H] [--port N] [--work-dir DIR]"
                            + " [--copy-from DIR] [--pagecache-mb N] [--keep] [--ignore-stdin]");
                    System.exit(0);
                }
                default -> {
                    System.err.println("Launcher: unknown argument: " + a);
                    System.exit(2);
                }
            }
        }

        Files.createDirectories(workParent);
        Path workDir = Files.createTempDirectory(workParent, "graphkit-neo4j-");
        System.err.println("Launcher: working directory " + workDir);

        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(workDir)
                .withDisabledServer() // no HTTP/HTTPS connectors
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(GraphDatabaseSettings.pagecache_memory, pagecacheMb * 1024L * 1024L)
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .withConfig(GraphDatabaseSettings.preallocate_store_files, false)
                // Netty's graceful shutdown waits a quiet period per event loop group
                // (~10 s in all); nothing is in flight when tests stop the server.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseSettings.auth_enabled, password != null)
                // Let tests use short passwords (default minimum is 8).
                .withConfig(GraphDatabaseSettings.auth_minimum_password_length, 1);
        final Neo4j neo4j;
        try {
            if (copyFrom != null) {
                builder = builder.copyFrom(copyFrom); // copies eagerly
            }
            neo4j = builder.build();
        } catch (Throwable t) {
            System.err.println("Launcher: failed to start Neo4j");
            t.printStackTrace(System.err);
            if (!keep) {
                deleteQuietly(workDir);
            }
            System.exit(1);
            return;
        }

        final boolean keepDir = keep;
        final AtomicBoolean closed = new AtomicBoolean(false);
        Runnable shutdown = () -> {
            if (closed.compareAndSet(false, true)) {
                System.err.println("Launcher: stopping Neo4j");
                try {
                    neo4j.close();
                } catch (Throwable t) {
                    t.printStackTrace(System.err);
                }
                if (!keepDir) {
                    deleteQuietly(workDir);
                }
                System.err.println("Launcher: stopped");
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "graphkit-neo4j-shutdown"));

        try {
            if (password != null) {
                // The harness's system database has the default user neo4j. Embedded
                // transactions run with full access, so set its password directly and
                // drop the "change required" flag.
                neo4j.databaseManagementService()
                        .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                        .executeTransactionally(
                                "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            }
        } catch (Throwable t) {
            System.err.println("Launcher: failed to set the password of user neo4j");
            t.printStackTrace(System.err);
            System.exit(1);
            return;
        }

        java.net.URI bolt = neo4j.boltURI();
        String uri = "bolt://" + bolt.getHost() + ":" + bolt.getPort();
        OUT.println("BOLT_URI=" + uri);
        OUT.flush();
        System.err.println("Launcher: ready at " + uri);

        if (ignoreStdin) {
            Thread.currentThread().join(); // until a signal runs the shutdown hook
        } else {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // ignore input; EOF means "stop"
                }
            } catch (IOException e) {
                // stdin broken: treat as EOF
            }
            shutdown.run();
            System.exit(0);
        }
    }

    private static String need(String[] args, int i, String opt) {
        if (i >= args.length) {
            System.err.println("Launcher: " + opt + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("Launcher: could not delete " + dir + ": " + e);
        }
    }
}
