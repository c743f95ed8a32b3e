package io.courier.pubsub.internal;

import java.sql.SQLException;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.jpa.EntityManagerFactoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.pubsub.DatabaseInfo;
import io.courier.pubsub.internal.store.Database;
import io.courier.pubsub.internal.store.DatabaseSettings;
import io.courier.pubsub.internal.store.Dialect;
import io.courier.pubsub.internal.store.Store;

/**
 * Opens the store on the database its settings name ({@link DatabaseSettings}: the environment, then
 * etc/io.courier.database.cfg, then the embedded HSQLDB), with the JDBC driver the driver's bundle offers as a
 * DataSourceFactory and the persistence unit made by Aries JPA's builder. A database that does not answer is tried
 * again, every second at first, then every 10 s, until it does; what is wrong is logged once, as one line naming
 * the setting to fix. It offers itself as the {@link StoreSource} pub/sub starts on once its first try is over: so
 * when the database answers at once, pub/sub starts with the store open and no publish meets a store still opening;
 * when it does not, pub/sub starts anyway and its calls say why the store is not open. Once open, the pool is also a
 * DataSource service ({@code osgi.jndi.service.name=courier}), for what reads the database beside the store. A
 * change of the configuration restarts this component, and pub/sub with it, on the new settings.
 */
@Component(service = {}, configurationPid = DatabaseSettings.PID, immediate = true)
public class DatabaseConnector implements StoreSource {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseConnector.class);

    private static final long FIRST_RETRY_MS = 1000;
    private static final long LAST_RETRY_MS = 10_000;
    /** How long a driver may take to appear before its absence is reported: the features install it at boot. */
    private static final long DRIVER_GRACE_MS = 10_000;

    @Reference(target = "(osgi.unit.name=courier)")
    private EntityManagerFactoryBuilder builder;

    /** The drivers installed, by their class. */
    private final Map<String, DataSourceFactory> drivers = new ConcurrentHashMap<>();
    private final List<Consumer<Store>> waiting = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    private DatabaseSettings settings;
    private Optional<Dialect> dialect;
    private Thread connecting;
    private volatile boolean stopped;
    private volatile Database database;
    private volatile String problem = "connecting";
    private BundleContext context;
    /** The pool as a DataSource service (osgi.jndi.service.name=courier), once open. */
    private ServiceRegistration<DataSource> registration;
    /** This, as the StoreSource, once the first try is over. */
    private ServiceRegistration<StoreSource> offered;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(DataSourceFactory factory, Map<String, Object> properties) {
        Object driverClass = properties.get(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS);
        if (driverClass != null) {
            drivers.put(driverClass.toString(), factory);
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    void removeDriver(DataSourceFactory factory, Map<String, Object> properties) {
        drivers.values().remove(factory);
    }

    @Activate
    void activate(Map<String, Object> config, BundleContext context) {
        this.context = context;
        String karafData = Optional.ofNullable(context.getProperty("karaf.data")).orElse("data");
        settings = DatabaseSettings.resolve(config, System.getenv(), karafData);
        dialect = Dialect.of(settings.url());
        if (dialect.isEmpty()) {
            problem = settings.urlFrom() + " is '" + settings.displayUrl() + "', not a database Courier runs on: "
                    + Dialect.SUPPORTED;
            LOG.error("Courier's store cannot start. {}", problem);
            offer();
            return;
        }
        LOG.info("Courier's store: {} at {} (URL from {})", dialect.get().product(), settings, settings.urlFrom());
        connecting = new Thread(this::connect, "courier-database");
        connecting.setDaemon(true);
        connecting.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopped = true;
        if (connecting != null) {
            connecting.interrupt();
            connecting.join(10_000);
        }
        Database open;
        ServiceRegistration<StoreSource> source;
        synchronized (lock) {
            open = database;
            source = offered;
            if (registration != null) {
                registration.unregister();
            }
        }
        if (source != null) {
            source.unregister();
        }
        if (open != null) {
            open.close();
        }
    }

    /** Tries to open the database until it opens or this component stops, then hands the store to those waiting. */
    private void connect() {
        Dialect d = dialect.get();
        long retryMs = FIRST_RETRY_MS;
        long driverDeadline = System.nanoTime() + DRIVER_GRACE_MS * 1_000_000;
        String logged = null;
        while (!stopped) {
            DataSourceFactory driver = drivers.get(d.driverClass());
            try {
                if (driver == null && System.nanoTime() - driverDeadline < 0) {
                    problem = "waiting for the " + d.product() + " JDBC driver";
                } else if (driver == null) {
                    throw new IllegalStateException("the " + d.product() + " JDBC driver is not installed"
                            + " (feature:install " + d.feature() + ")");
                } else {
                    open(d, driver);
                    offer();
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                problem = Problems.describe(e, settings, d);
                if (!problem.equals(logged)) {
                    LOG.warn("Courier's store cannot open its database, and tries again until it can: {}", problem);
                    logged = problem;
                }
                offer();
            }
            try {
                synchronized (lock) {
                    lock.wait(retryMs);
                }
            } catch (InterruptedException e) {
                return;
            }
            retryMs = Math.min(LAST_RETRY_MS, retryMs * 2);
        }
    }

    /** Opens the database, and hands the store to those waiting for it. */
    private void open(Dialect d, DataSourceFactory driver) throws SQLException {
        Database opened = Database.open(settings, d, driver.createDriver(null),
                builder::createEntityManagerFactory);
        synchronized (lock) {
            if (stopped) {
                opened.close();
                return;
            }
            database = opened;
            problem = null;
            registration = context.registerService(DataSource.class, opened.dataSource(),
                    new Hashtable<>(Map.of("osgi.jndi.service.name", "courier", "dataSourceName", "courier")));
        }
        LOG.info("Courier's store is open on {} {} at {}", d.product(), opened.serverVersion(), settings);
        waiting.forEach(start -> start.accept(opened.store()));
    }

    /** Registers this as the StoreSource, once. */
    private void offer() {
        synchronized (lock) {
            if (stopped || offered != null) {
                return;
            }
        }
        ServiceRegistration<StoreSource> registered = context.registerService(StoreSource.class, this, null);
        synchronized (lock) {
            if (offered == null && !stopped) {
                offered = registered;
                return;
            }
        }
        registered.unregister();
    }

    @Override
    public Runnable whenOpen(Consumer<Store> start) {
        Database open;
        synchronized (lock) {
            open = database;
            if (open == null) {
                waiting.add(start);
            }
        }
        if (open != null) {
            start.accept(open.store());
        }
        return () -> waiting.remove(start);
    }

    @Override
    public DatabaseInfo info() {
        Database open = database;
        return new DatabaseInfo(dialect.map(Dialect::product).orElse("unknown"), settings.displayUrl(),
                settings.urlFrom(), settings.user(), settings.userFrom(), !settings.password().isEmpty(),
                settings.passwordFrom(), open != null, open != null ? null : problem,
                open != null ? open.serverVersion() : null);
    }
}
