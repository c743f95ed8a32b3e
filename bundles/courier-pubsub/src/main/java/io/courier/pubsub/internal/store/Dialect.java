package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

/**
 * What differs between the databases the store runs on, and nothing else: the driver, OpenJPA's dictionary, the
 * schema's types and table options, the lock that serialises schema changes, and what a database needs once
 * the schema is in place. Every statement on the message path ({@link QueueStatements}) and every JPQL query is
 * shared.
 */
public sealed interface Dialect permits HsqldbDialect, PostgresDialect {

    /** The dialect of a JDBC URL, if the store runs on that database. */
    static Optional<Dialect> of(String url) {
        if (url.startsWith("jdbc:hsqldb:")) {
            return Optional.of(new HsqldbDialect());
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Optional.of(new PostgresDialect());
        }
        return Optional.empty();
    }

    /** The URL forms the store accepts, for error messages. */
    String SUPPORTED = "jdbc:postgresql://HOST:PORT/DATABASE (PostgreSQL) or jdbc:hsqldb:... (HSQLDB)";

    /** The database's name for people. */
    String product();

    /** The driver's class, as its OSGi DataSourceFactory announces it (osgi.jdbc.driver.class). */
    String driverClass();

    /** The Karaf feature that installs the driver. */
    String feature();

    /** OpenJPA's DBDictionary setting for this database. */
    String openJpaDictionary();

    /** Statements each new connection runs once, before its first use. */
    List<String> sessionSql();

    /**
     * Properties the driver gets with each new connection, beside the URL's (PostgreSQL's driver lets the URL's win
     * where both set one).
     */
    Map<String, String> connectionProperties();

    /**
     * Whether the pool checks the connections it holds idle, every second, replacing those that stopped working:
     * worth it where the database is a server that can restart under the pool.
     */
    boolean validateConnections();

    /**
     * Takes the lock that serialises schema changes across every process using the database, until the
     * connection's transaction ends.
     */
    void lockSchema(Connection c) throws SQLException;

    /** The type of a column of long text: message data. */
    String textType();

    /**
     * An SQL expression for the database's clock, in milliseconds since the epoch: the one clock the nodes sharing
     * a database agree on, whatever their own clocks say.
     */
    String currentMillis();

    /**
     * Whether several nodes may use the database at once. If so, a node claims the deliveries it fetches, and
     * acknowledges only those it still holds (see {@link QueueStatements}); if not, a node has the queue to itself.
     */
    boolean sharedByNodes();

    /**
     * Where nodes share the database, the channel on which a node wakes the others' delivery of a subscription
     * ({@link WakeChannel}), listening from now on; {@link WakeChannel#NONE} where a node has it to itself.
     *
     * @param pool        the connections to listen and tell with
     * @param incarnation the node's, which its own wake-ups carry
     * @param wakeHere    wakes this node's delivery of a subscription another node named
     */
    WakeChannel wakeChannel(DataSource pool, String incarnation, LongConsumer wakeHere);

    /** CREATE TABLE for one of the store's tables, with the storage options its use calls for. */
    String createTable(String name, String columns, TableUse use);

    /** How a table is used, for its storage options. */
    enum TableUse {
        /** Rows inserted, then deleted: the queue (messages, deliveries). */
        QUEUE,
        /** Few rows, each updated over and over: topics and subscriptions with their counters. */
        COUNTERS
    }

    /**
     * A statement, run outside any transaction, that removes the rows the queue deleted and their index entries,
     * if the database needs one beside its own housekeeping (see {@link QueueVacuum}).
     */
    Optional<String> vacuumQueue();

    /**
     * Readies a database whose schema is up to date for the store, on a connection in a transaction of the
     * store's: settings the database keeps, checks of what the store relies on.
     */
    void prepare(Connection c, KeptStatements kept) throws SQLException;
}
