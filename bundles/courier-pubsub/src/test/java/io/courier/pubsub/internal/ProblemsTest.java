package io.courier.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.courier.pubsub.internal.store.DatabaseSettings;
import io.courier.pubsub.internal.store.Dialect;

/** One line for each way a database refuses to open, naming the setting to fix, never the password. */
class ProblemsTest {

    private final DatabaseSettings settings = DatabaseSettings.resolve(Map.of("user", "courier"),
            Map.of(DatabaseSettings.ENV_URL, "jdbc:postgresql://db:5432/courier", DatabaseSettings.ENV_PASSWORD, "s3cr3t"),
            "data");
    private final Dialect postgres = Dialect.of(settings.url()).orElseThrow();

    /** As the pool reports it: its own exception around the driver's. */
    private static SQLException pooled(String message, String state) {
        return new SQLException("Cannot create PoolableConnectionFactory (" + message + ")",
                new SQLException(message, state));
    }

    @Test
    void aRefusedLoginNamesTheUserAndPasswordSettings() {
        assertEquals("PostgreSQL at jdbc:postgresql://db:5432/courier: FATAL: password authentication failed for user"
                + " \"courier\" (check user in etc/io.courier.database.cfg and COURIER_DB_PASSWORD (environment))",
                Problems.describe(pooled("FATAL: password authentication failed for user \"courier\"", "28P01"),
                        settings, postgres));
    }

    @Test
    void anUnreachableServerOrAMissingDatabaseNamesTheUrlSetting() {
        assertEquals("PostgreSQL at jdbc:postgresql://db:5432/courier: Connection to db:5432 refused. (check"
                + " COURIER_DB_URL (environment), and that the server runs and accepts connections)",
                Problems.describe(pooled("Connection to db:5432 refused.", "08001"), settings, postgres));
        assertEquals("PostgreSQL at jdbc:postgresql://db:5432/courier: FATAL: database \"courier\" does not exist"
                + " (check the database named in COURIER_DB_URL (environment), or create it)",
                Problems.describe(pooled("FATAL: database \"courier\" does not exist", "3D000"), settings, postgres));
    }

    @Test
    void thePasswordNeverAppearsEvenWhereTheDriverQuotesIt() {
        String line = Problems.describe(pooled("odd driver message with s3cr3t in it", "XX000"), settings, postgres);
        assertFalse(line.contains("s3cr3t"), line);
    }

    @Test
    void aProblemOutsideTheDatabaseIsSaidAsItIs() {
        assertEquals("PostgreSQL at jdbc:postgresql://db:5432/courier: the PostgreSQL JDBC driver is not installed"
                + " (feature:install courier-postgresql)", Problems.describe(new IllegalStateException(
                        "the PostgreSQL JDBC driver is not installed (feature:install courier-postgresql)"), settings,
                        postgres));
    }
}
