package io.courier.itests;

import java.util.List;
import java.util.regex.Pattern;

/** The databases the process-level tests run Courier's store on: the parameter of their runs, named in reports. */
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

    @Override
    public String toString() {
        return product;
    }
}
