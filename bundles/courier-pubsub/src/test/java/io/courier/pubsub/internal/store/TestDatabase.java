package io.courier.pubsub.internal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;
import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;

import io.courier.testing.postgresql.PostgresServer;

/**
 * The "courier" persistence unit outside OSGi, on a real database: HSQLDB (in memory or in files) or a fresh
 * database of the test run's PostgreSQL server. It is made as the store makes it in Karaf ({@link Database}'s pool
 * and unit properties), the factory coming from {@link Persistence} instead of Aries JPA; the schema is left to
 * {@link #migrate()} or {@link #preparedStore()}.
 */
public final class TestDatabase implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The databases tests run the store on. */
    public enum Kind {
        HSQLDB, POSTGRESQL
    }

    private final DatabaseSettings settings;
    private final Dialect dialect;
    private final BasicDataSource pool;
    private final EntityManagerFactory emf;
    /** Whether closing this one ends an HSQLDB database (false: another opened it, see {@link #reopen}). */
    private final boolean endsDatabase;

    private TestDatabase(String url, String user, String password, Map<String, Object> extraProperties) {
        this(url, user, password, extraProperties, true);
    }

    private TestDatabase(String url, String user, String password, Map<String, Object> extraProperties,
            boolean endsDatabase) {
        this.endsDatabase = endsDatabase;
        this.settings = new DatabaseSettings(url, user, password, "test", "test", "test");
        this.dialect = Dialect.of(url).orElseThrow();
        this.pool = Database.pool(settings, dialect, driver(dialect));
        Map<String, Object> props = new HashMap<>(Database.unitProperties(pool, dialect));
        props.putAll(extraProperties);
        this.emf = Persistence.createEntityManagerFactory("courier", props);
    }

    private static Driver driver(Dialect dialect) {
        try {
            return (Driver) Class.forName(dialect.driverClass()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("No JDBC driver " + dialect.driverClass() + " on the test class path", e);
        }
    }

    /** A new, empty database of that kind. */
    public static TestDatabase of(Kind kind) {
        return kind == Kind.HSQLDB ? inMemory() : postgres();
    }

    /** A new, empty in-memory database. */
    public static TestDatabase inMemory() {
        return inMemory(Map.of());
    }

    /** A new, empty in-memory database; OpenJPA gets these properties in addition. */
    public static TestDatabase inMemory(Map<String, Object> openJpaProperties) {
        return new TestDatabase("jdbc:hsqldb:mem:courier-test-" + COUNTER.incrementAndGet(), "SA", "",
                openJpaProperties);
    }

    /** A database in files under a directory, with HSQLDB's defaults (write delay on, MEMORY tables). */
    public static TestDatabase inFiles(Path dir) {
        return new TestDatabase("jdbc:hsqldb:file:" + dir.resolve("courier").toAbsolutePath(), "SA", "", Map.of());
    }

    /** A new, empty database on the test run's PostgreSQL server (started on first use). */
    public static TestDatabase postgres() {
        PostgresServer server = PostgresServer.shared();
        String url = server.createDatabase("courier_test_" + COUNTER.incrementAndGet());
        return new TestDatabase(url, server.user(), server.password(), Map.of());
    }

    /** Another factory and pool on the same database, with sessions made from now on (another node on it). */
    public static TestDatabase reopen(TestDatabase db) {
        DatabaseSettings s = db.settings;
        return new TestDatabase(s.url(), s.user(), s.password(), Map.of(), false);
    }

    public EntityManagerFactory emf() {
        return emf;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The pool the persistence unit is made on. */
    public DataSource dataSource() {
        return pool;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Brings the schema up to date, as the store's start does; returns the version it was at. */
    public int migrate() {
        return migrate(Schema.VERSION);
    }

    /** Brings the schema to a version, perhaps an earlier one than this build's; returns the version it was at. */
    public int migrate(int upTo) {
        try (Connection c = pool.getConnection()) {
            return Schema.migrate(c, dialect, upTo);
        } catch (SQLException e) {
            throw new IllegalStateException("Schema: " + e.getMessage(), e);
        }
    }

    /** The next value of a key sequence. */
    public long nextValue(String sequence) {
        return Long.parseLong(value(dialect instanceof PostgresDialect ? "SELECT nextval('" + sequence + "')"
                : "VALUES NEXT VALUE FOR " + sequence));
    }

    public Store newStore() {
        return new Store(emf, dialect);
    }

    /** A store whose schema is up to date, prepared as at a start of pub/sub. */
    public Store preparedStore() {
        migrate();
        Store store = newStore();
        store.prepare();
        return store;
    }

    public String url() {
        return settings.url();
    }

    /** Runs a query on a connection of the pool, outside the store's transactions; each row as a list of strings. */
    public List<List<String>> query(String sql) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a statement on a connection of the pool. */
    public void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** A query's single value. */
    public String value(String sql) {
        List<List<String>> rows = query(sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException(sql + " gave " + rows);
        }
        return rows.get(0).get(0);
    }

    /** Every stored message's key and id: those with a row of their own, and those kept in their delivery's row. */
    private static final String STORED_MESSAGES = "SELECT ID AS KEY, MSGID FROM COURIER_MESSAGE UNION ALL"
            + " SELECT MESSAGE_ID, MSGID FROM COURIER_DELIVERY WHERE MSGID IS NOT NULL";

    /** How many messages are stored. */
    public long countMessages() {
        return Long.parseLong(value("SELECT COUNT(*) FROM (" + STORED_MESSAGES + ") s"));
    }

    /** The ids of the stored messages, in the order of their keys: publish order. */
    public List<String> storedMsgIds() {
        return query("SELECT MSGID FROM (" + STORED_MESSAGES + ") s ORDER BY KEY").stream().map(r -> r.get(0)).toList();
    }

    /**
     * Closes the factory and the pool; an HSQLDB database is shut down, releasing its memory or files, unless this
     * one was {@linkplain #reopen reopened} on it.
     */
    @Override
    public void close() {
        emf.close();
        try {
            if (dialect instanceof HsqldbDialect && endsDatabase) {
                execute("SHUTDOWN");
            }
            pool.close();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not close " + url() + ": " + e.getMessage(), e);
        }
    }
}
