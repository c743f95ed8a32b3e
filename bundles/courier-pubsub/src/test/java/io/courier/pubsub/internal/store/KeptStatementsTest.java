package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import javax.persistence.EntityManager;

import org.apache.openjpa.persistence.OpenJPAEntityManager;
import org.apache.openjpa.persistence.OpenJPAPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeptStatementsTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String INSERT = "INSERT INTO T (ID) VALUES (?)";

    private String url;
    private Connection session;
    private final KeptStatements statements = new KeptStatements();

    @BeforeEach
    void createTable() throws SQLException {
        url = "jdbc:hsqldb:mem:kept-" + COUNTER.incrementAndGet();
        session = DriverManager.getConnection(url, "SA", "");
        try (Statement st = session.createStatement()) {
            st.execute("CREATE TABLE T (ID BIGINT PRIMARY KEY)");
        }
    }

    @AfterEach
    void shutdown() throws SQLException {
        statements.close();
        try (Statement st = session.createStatement()) {
            st.execute("SHUTDOWN");
        }
    }

    @Test
    void aSessionKeepsItsStatementsFromOneBorrowerToTheNext() throws SQLException {
        statements.keepPerSession(session);

        PreparedStatement first = insert(borrowed(session), 1);
        PreparedStatement second = insert(borrowed(session), 2);

        assertSame(first, second);
        assertFalse(first.isClosed());
        assertEquals(2, count());
    }

    @Test
    void rowsLeftInTheBatchOfAFailedUseAreNotRunWithTheNext() throws SQLException {
        statements.keepPerSession(session);
        try (KeptStatements.Use use = statements.prepare(borrowed(session), INSERT)) {
            use.statement().setLong(1, 1);
            use.statement().addBatch(); // the use ends (a failure) before its batch runs
        }

        try (KeptStatements.Use use = statements.prepare(borrowed(session), INSERT)) {
            use.statement().setLong(1, 2);
            use.statement().addBatch();
            assertEquals(1, use.statement().executeBatch().length);
        }
        assertEquals(1, count());
    }

    @Test
    void theStatementsOfASessionThePoolClosedAreForgotten() throws SQLException {
        statements.keepPerSession(session);
        Connection other = DriverManager.getConnection(url, "SA", "");
        insert(borrowed(other), 1);
        insert(borrowed(session), 2);
        assertEquals(2, statements.sessions());
        other.close();

        Connection next = DriverManager.getConnection(url, "SA", "");
        insert(borrowed(next), 3);

        assertEquals(2, statements.sessions(), "the session that ended is no longer kept, the new one is");
        assertEquals(3, count());
        next.close();
    }

    @Test
    void closingTheStoresStatementsClosesEveryKeptOne() throws SQLException {
        statements.keepPerSession(session);
        PreparedStatement kept = insert(borrowed(session), 1);

        statements.close();

        assertTrue(kept.isClosed());
        assertFalse(session.isClosed());
    }

    @Test
    void onOtherDatabasesEachUseIsPreparedAndClosed() throws SQLException {
        PreparedStatement first = insert(borrowed(session), 1);
        PreparedStatement second = insert(borrowed(session), 2);

        assertNotSame(first, second);
        assertTrue(first.isClosed());
        assertTrue(second.isClosed());
        assertEquals(2, count());
    }

    @Test
    void throughOpenJpasWrappersTheHsqldbSessionIsFoundAndKeepsItsStatements() throws SQLException {
        try (TestDatabase db = TestDatabase.inMemory()) {
            EntityManager em = db.emf().createEntityManager();
            try {
                em.getTransaction().begin();
                OpenJPAEntityManager jpa = OpenJPAPersistence.cast(em);
                jpa.beginStore();
                try (Connection c = (Connection) jpa.getConnection()) {
                    statements.keepPerSession(c);
                    try (KeptStatements.Use use = statements.prepare(c, "VALUES 1")) {
                        assertTrue(use.kept());
                    }
                }
                em.getTransaction().rollback();
            } finally {
                em.close();
            }
            statements.close();
        }
    }

    @Test
    void aConnectionThatDoesNotLeadToAnHsqldbSessionGetsStatementsForOneUse() throws SQLException {
        Connection opaque = (Connection) Proxy.newProxyInstance(KeptStatementsTest.class.getClassLoader(),
                new Class<?>[] { Connection.class }, (proxy, method, args) -> {
                    if (method.getName().equals("unwrap")) {
                        throw new SQLException("not a wrapper");
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        statements.keepPerSession(opaque);
        PreparedStatement used = insert(opaque, 1);

        assertTrue(used.isClosed());
        assertEquals(1, count());
    }

    @Test
    void onceClosedNothingIsKept() throws SQLException {
        statements.keepPerSession(session);
        statements.close();

        PreparedStatement used = insert(borrowed(session), 1);

        assertTrue(used.isClosed());
        assertEquals(0, statements.sessions());
    }

    private PreparedStatement insert(Connection c, long id) throws SQLException {
        try (KeptStatements.Use use = statements.prepare(c, INSERT)) {
            use.statement().setLong(1, id);
            use.statement().executeUpdate();
            return use.statement();
        }
    }

    private long count() throws SQLException {
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM T")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The session as a pool lends it: a wrapper of its own for each borrower, the session under it. */
    private static Connection borrowed(Connection session) {
        return (Connection) Proxy.newProxyInstance(KeptStatementsTest.class.getClassLoader(),
                new Class<?>[] { Connection.class }, (proxy, method, args) -> {
                    if (method.getName().equals("unwrap") && ((Class<?>) args[0]).isInstance(session)) {
                        return session;
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
