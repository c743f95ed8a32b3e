package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The store's database, open: a connection pool on the settings' database, its schema brought up to date, the
 * persistence unit "courier" on that pool with the dialect's OpenJPA dictionary, and the {@link Store}. Opening
 * connects at once: a database out of reach, a refused login or a schema of a newer Courier fail here, with the
 * database's own error, and leave nothing open.
 */
public final class Database implements AutoCloseable {

    /** Connections in the pool; a caller waits at most {@link #MAX_WAIT} for one, then fails rather than hang. */
    static final int MAX_CONNECTIONS = 16;
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** Where the dialect validates connections: how often the pool checks those it holds idle. */
    static final Duration VALIDATE_IDLE_EVERY = Duration.ofSeconds(1);
    static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(2);

    private final Dialect dialect;
    private final BasicDataSource pool;
    private final EntityManagerFactory emf;
    private final Store store;
    private final String serverVersion;

    private Database(Dialect dialect, BasicDataSource pool, EntityManagerFactory emf, Store store,
            String serverVersion) {
        this.dialect = dialect;
        this.pool = pool;
        this.emf = emf;
        this.store = store;
        this.serverVersion = serverVersion;
    }

    /**
     * Opens the database.
     *
     * @param driver    the JDBC driver of the dialect's database
     * @param factories makes the persistence unit's EntityManagerFactory with OpenJPA properties added to those of
     *                  its persistence.xml (Aries JPA's builder in OSGi)
     */
    public static Database open(DatabaseSettings settings, Dialect dialect, Driver driver,
            Function<Map<String, Object>, EntityManagerFactory> factories) throws SQLException {
        BasicDataSource pool = pool(settings, dialect, driver);
        EntityManagerFactory emf = null;
        try {
            String serverVersion;
            try (Connection c = pool.getConnection()) {
                serverVersion = c.getMetaData().getDatabaseProductVersion();
                Schema.migrate(c, dialect);
            }
            emf = factories.apply(unitProperties(pool, dialect));
            Store store = new Store(emf, dialect, pool);
            store.prepare();
            return new Database(dialect, pool, emf, store, serverVersion);
        } catch (SQLException | RuntimeException e) {
            if (emf != null) {
                emf.close();
            }
            pool.close();
            throw e;
        }
    }

    /** The connection pool on the settings' database; connections are made when first borrowed. */
    static BasicDataSource pool(DatabaseSettings settings, Dialect dialect, Driver driver) {
        BasicDataSource pool = new BasicDataSource();
        pool.setDriver(driver);
        pool.setUrl(settings.url());
        if (!settings.user().isEmpty()) {
            pool.setUsername(settings.user());
        }
        if (!settings.password().isEmpty()) {
            pool.setPassword(settings.password());
        }
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMaxWait(MAX_WAIT);
        pool.setConnectionInitSqls(dialect.sessionSql());
        dialect.connectionProperties().forEach(pool::addConnectionProperty);
        // dbcp2 checks each connection it lends unless told not to: on PostgreSQL a round trip to the server per
        // commit and per fetch (a tenth of the writer's time in a profile at 8 publishers)
        pool.setTestOnBorrow(false);
        if (dialect.validateConnections()) {
            // idle connections are checked every second, not each one as it is lent: a check is a round trip to
            // the server, and each commit and each fetch borrows a connection
            pool.setTestWhileIdle(true);
            pool.setDurationBetweenEvictionRuns(VALIDATE_IDLE_EVERY);
            pool.setNumTestsPerEvictionRun(MAX_CONNECTIONS);
            pool.setValidationQueryTimeout(VALIDATE_TIMEOUT); // a half-open connection must not hold the evictor
        }
        return pool;
    }

    /** What the persistence unit gets in addition to its persistence.xml: the pool, and the dialect's dictionary. */
    static Map<String, Object> unitProperties(DataSource pool, Dialect dialect) {
        return Map.of("javax.persistence.nonJtaDataSource", pool, "openjpa.jdbc.DBDictionary",
                dialect.openJpaDictionary());
    }

    /** The pool, for what reads the store's database beside it. */
    public DataSource dataSource() {
        return pool;
    }

    public Store store() {
        return store;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The database server's version, as it reported it. */
    public String serverVersion() {
        return serverVersion;
    }

    /** Closes the store, the persistence unit and the pool; call once nothing uses the store. */
    @Override
    public void close() {
        store.close();
        emf.close();
        try {
            pool.close();
        } catch (SQLException e) {
            // the pool closes its idle connections and refuses new borrowers whatever a connection answered
        }
    }
}
