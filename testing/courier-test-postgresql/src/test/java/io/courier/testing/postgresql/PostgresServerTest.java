package io.courier.testing.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    @Test
    void committedRowsSurviveStopStartAndKill9StartAndCloseLeavesNothing() throws Exception {
        PostgresServer server = PostgresServer.startNew();
        Path dataDir = server.dataDirectory();
        try {
            String url = server.createDatabase("lifecycle");
            try (Connection connection = connect(server, url); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE item (id INT PRIMARY KEY)");
                connection.setAutoCommit(false);
                statement.execute("INSERT INTO item VALUES (1)");
                connection.commit();
            }

            long stopped = server.pid();
            server.stop();
            assertFalse(alive(stopped), "postmaster " + stopped + " still runs after stop()");
            server.start();
            assertEquals(List.of(1), ids(server, url), "rows after stop() and start()");

            long crashed = server.pid();
            // a connection open during the crash: its backend outlives the postmaster until it notices
            try (Connection connection = connect(server, url); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("INSERT INTO item VALUES (2)");
                connection.commit();
                server.kill();
                assertFalse(alive(crashed), "postmaster " + crashed + " still runs after kill()");
                server.start();
            }
            assertNotEquals(crashed, server.pid(), "pid after kill() and start(): the same postmaster?");
            assertEquals(List.of(1, 2), ids(server, url), "committed rows after kill -9 and start()");
        } finally {
            server.close();
        }
        assertFalse(alive(server.pid()), "postmaster " + server.pid() + " still runs after close()");
        assertFalse(Files.exists(dataDir), dataDir + " still exists after close()");
    }

    @Test
    void sharedServerGivesTheTestRoleFreshDatabasesAndRunsPsql() throws Exception {
        PostgresServer server = PostgresServer.shared();
        assertSame(server, PostgresServer.shared(), "shared() started a second server");

        String url = server.createDatabase("Shared_1");
        assertEquals("jdbc:postgresql://127.0.0.1:" + server.port() + "/Shared_1", url);
        try (Connection connection = connect(server, url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE old_table (id INT)");
            // the role may create databases itself
            statement.execute("CREATE DATABASE made_over_jdbc");
        }
        assertEquals(url, server.createDatabase("Shared_1"));
        assertEquals("0", server.psql("Shared_1", "SELECT count(*) FROM pg_tables WHERE tablename = 'old_table'"),
                "tables left in a database created again under the same name");
        assertEquals("courier|Shared_1",
                server.psql("Shared_1", "SELECT pg_get_userbyid(datdba), datname FROM pg_database"
                        + " WHERE datname = 'Shared_1'"),
                "owner of the database createDatabase made");

        String plan = server.psql("Shared_1", "EXPLAIN SELECT 1");
        assertTrue(plan.startsWith("Result"), "EXPLAIN printed: " + plan);

        SQLException wrongPassword = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url, server.user(), "not-" + server.password()).close(),
                "a wrong password was accepted");
        assertEquals("28P01", wrongPassword.getSQLState(), wrongPassword.getMessage());
    }

    @Test
    void errorsSayWhatWasWrong() {
        PostgresServer server = PostgresServer.shared();
        IllegalStateException sqlError = assertThrows(IllegalStateException.class,
                () -> server.psql("postgres", "SELECT no_such_column"));
        assertTrue(sqlError.getMessage().contains("no_such_column"), sqlError.getMessage());

        IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
                () -> server.createDatabase("x; DROP DATABASE postgres"));
        assertTrue(badName.getMessage().contains("letters, digits and _"), badName.getMessage());
    }

    @Test
    void binariesComeFromTheEnvironmentOrTheNewestInstallation(@TempDir Path installations) throws IOException {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> PostgresServer.binDirectory(null, installations));
        assertTrue(none.getMessage().contains("apt-get install postgresql")
                && none.getMessage().contains(PostgresServer.BIN_ENV), none.getMessage());

        IllegalStateException wrongEnv = assertThrows(IllegalStateException.class,
                () -> PostgresServer.binDirectory("/nonexistent", installations));
        assertTrue(wrongEnv.getMessage().startsWith(PostgresServer.BIN_ENV + "=/nonexistent holds no executable initdb"),
                wrongEnv.getMessage());

        for (String version : List.of("9.6", "16", "15")) {
            Path initdb = Files.createDirectories(installations.resolve(version).resolve("bin")).resolve("initdb");
            Files.createFile(initdb, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        assertEquals(installations.resolve("16/bin"), PostgresServer.binDirectory(null, installations));
        assertEquals(installations.resolve("9.6/bin"),
                PostgresServer.binDirectory(installations.resolve("9.6/bin").toString(), installations));
    }

    private static Connection connect(PostgresServer server, String url) throws SQLException {
        return DriverManager.getConnection(url, server.user(), server.password());
    }

    private static List<Integer> ids(PostgresServer server, String url) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection connection = connect(server, url);
             ResultSet rows = connection.createStatement().executeQuery("SELECT id FROM item ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
        }
        return ids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
