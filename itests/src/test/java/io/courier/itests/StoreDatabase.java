package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.courier.testing.karaf.KarafProcess;
import io.courier.testing.karaf.PostgresDatabase;
import io.courier.testing.postgresql.PostgresServer;

/**
 * The databases the process-level tests run Courier's store on: the parameter of their runs, named in reports. Also
 * loaded inside the Pax Exam container ({@link #isOpenIn}): its methods that start distributions run in the test JVM
 * only.
 */
enum StoreDatabase {

    /** The distribution as shipped: the embedded HSQLDB under data/courier. */
    HSQLDB("HSQLDB"),
    /** A fresh database on the test JVM's shared PostgreSQL server, given to bin/karaf in its environment. */
    POSTGRESQL("PostgreSQL");

    private static final Pattern OPEN = Pattern.compile("(?m)^\\s*State\\W+open\\b");

    private final String product;

    StoreDatabase(String product) {
        this.product = product;
    }

    /** For {@code @Parameters}: every database, the test's name showing which ({@code test[PostgreSQL]}). */
    static List<StoreDatabase> all() {
        return List.of(values());
    }

    /** As {@code courier:database} names it. */
    String product() {
        return product;
    }

    /** Whether {@code courier:database} printed that the store is open on this database. */
    boolean isOpenIn(String courierDatabase) {
        return Pattern.compile("(?m)^\\s*Database\\W+" + product + "\\b").matcher(courierDatabase).find()
                && OPEN.matcher(courierDatabase).find();
    }

    /**
     * The built distribution with the test services, unpacked into {@code target/<folder>-<database>}, its store on
     * this database: on PostgreSQL, a fresh database {@code <folder>} (as an SQL name) on the test JVM's shared
     * server.
     */
    KarafProcess distribution(String folder) throws IOException, InterruptedException {
        KarafProcess karaf = KarafProcess.withTestServices(folder + "-" + name().toLowerCase(Locale.ROOT));
        if (this == POSTGRESQL) {
            karaf.usePostgres(PostgresDatabase.create(PostgresServer.shared(), folder.replace('-', '_')));
        }
        return karaf;
    }

    /**
     * Checks that a running distribution's store is open on the database it was pointed at, as a user sees it:
     * {@code courier:database} names it and says "open"; on PostgreSQL it never shows the password, Courier's tables
     * are in that database and no embedded database was created under data/courier; on HSQLDB that is where the
     * store is.
     */
    static void assertInUse(KarafProcess karaf) throws Exception {
        Optional<PostgresDatabase> postgres = karaf.postgres();
        StoreDatabase expected = postgres.isEmpty() ? HSQLDB : POSTGRESQL;
        String[] shown = new String[1];
        await("courier:database showing the store open on " + expected).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    shown[0] = karaf.client("courier:database");
                    assertTrue("courier:database printed:\n" + shown[0], expected.isOpenIn(shown[0]));
                });
        if (postgres.isEmpty()) {
            assertTrue("the embedded database is under data/courier", Files.isDirectory(karaf.data("courier")));
            return;
        }
        PostgresDatabase db = postgres.get();
        assertFalse("courier:database shows the password:\n" + shown[0], shown[0].contains(db.password()));
        assertFalse("an embedded database was created under data/courier", Files.exists(karaf.data("courier")));
        List<String> tables = db.tables();
        assertTrue("Courier's tables in " + db.url() + ": " + tables, tables.contains("courier_message"));
    }

    @Override
    public String toString() {
        return product;
    }
}
