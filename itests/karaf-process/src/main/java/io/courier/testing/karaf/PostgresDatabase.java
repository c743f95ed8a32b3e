package io.courier.testing.karaf;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.courier.testing.postgresql.PostgresServer;

/**
 * A fresh database for one test on a test PostgreSQL server, owned by a login role of the same name. The role's
 * password is {@link #PASSWORD}, distinctive, so that a test can check that Courier never shows it.
 */
public record PostgresDatabase(String url, String user, String password) {

    public static final String PASSWORD = "pw-not-to-be-shown-5e1f";

    /** Creates (or creates again, empty) the database and role {@code name} on {@code server}. */
    public static PostgresDatabase create(PostgresServer server, String name) {
        String url = server.createDatabase(name);
        server.psql("postgres", "DROP ROLE IF EXISTS " + name + ";\n"
                + "CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "';\n"
                + "ALTER DATABASE " + name + " OWNER TO " + name + ";\n");
        return new PostgresDatabase(url, name, PASSWORD);
    }

    /** The number a query for one number answers, such as a count of rows. */
    public long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The tables in the database's public schema: Courier's, once its store has opened there. */
    public List<String> tables() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] { "TABLE" })) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
            return tables;
        }
    }
}
