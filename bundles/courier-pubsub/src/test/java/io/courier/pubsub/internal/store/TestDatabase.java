package io.courier.pubsub.internal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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

/**
 * The "courier" persistence unit outside OSGi: the persistence.xml as shipped, its OSGi JNDI datasource
 * replaced by a plain HSQLDB connection (in memory or in files). Tests use it to run {@link Store} against a
 * real database.
 */
public final class TestDatabase implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String url;
    private final EntityManagerFactory emf;

    private TestDatabase(String url) {
        this(url, Map.of());
    }

    private TestDatabase(String url, Map<String, Object> extraProperties) {
        this.url = url;
        Map<String, Object> props = new HashMap<>(extraProperties);
        // No JNDI outside OSGi: drop the osgi:service/... data source, connect through the driver instead.
        props.put("javax.persistence.nonJtaDataSource", "");
        props.put("openjpa.ConnectionDriverName", "org.hsqldb.jdbc.JDBCDriver");
        props.put("openjpa.ConnectionURL", url);
        props.put("openjpa.ConnectionUserName", "SA");
        props.put("openjpa.ConnectionPassword", "");
        this.emf = Persistence.createEntityManagerFactory("courier", props);
    }

    /** A new, empty in-memory database. */
    public static TestDatabase inMemory() {
        return new TestDatabase("jdbc:hsqldb:mem:courier-test-" + COUNTER.incrementAndGet());
    }

    /** A new, empty in-memory database; OpenJPA gets these properties in addition. */
    public static TestDatabase inMemory(Map<String, Object> openJpaProperties) {
        return new TestDatabase("jdbc:hsqldb:mem:courier-test-" + COUNTER.incrementAndGet(), openJpaProperties);
    }

    /** A database in files under a directory, with HSQLDB's defaults (write delay on, MEMORY tables). */
    public static TestDatabase inFiles(Path dir) {
        return new TestDatabase("jdbc:hsqldb:file:" + dir.resolve("courier").toAbsolutePath());
    }

    public EntityManagerFactory emf() {
        return emf;
    }

    public Store newStore() {
        return new Store(emf);
    }

    /** A store whose tables exist. */
    public Store preparedStore() {
        Store store = newStore();
        store.prepare();
        return store;
    }

    public String url() {
        return url;
    }

    /** Runs a query on a connection of its own; each row as a list of strings. */
    public List<List<String>> query(String sql) {
        try (Connection c = DriverManager.getConnection(url, "SA", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
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

    /** Runs a statement on a connection of its own. */
    public void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
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

    /** How many messages are stored. */
    public long countMessages() {
        return Long.parseLong(value("SELECT COUNT(*) FROM COURIER_MESSAGE"));
    }

    /** Closes the factory and shuts the database down, releasing its memory or files. */
    @Override
    public void close() {
        emf.close();
        try (Connection c = DriverManager.getConnection(url, "SA", ""); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not shut down " + url + ": " + e.getMessage(), e);
        }
    }
}
