package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.courier.api.Courier;
import io.courier.api.PubSub;
import io.courier.api.Service;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;
import io.courier.testing.CourierDistribution;
import io.courier.testing.karaf.KarafProcess;
import io.courier.testing.karaf.PostgresDatabase;
import io.courier.testing.postgresql.PostgresServer;

/**
 * The Karaf configuration every Pax Exam test shares: the built Courier distribution (so the tests run
 * against what users run), with Awaitility added for the probe. Test services are registered from the probe
 * and unregistered after each test.
 */
public abstract class CourierTestSupport {

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected PubSub pubsub;

    @Inject
    protected PubSubAdmin admin;

    @Inject
    protected ServiceRegistry registry;

    @Inject
    protected Courier courier;

    @Inject
    private SessionFactory sessions;

    private final List<ServiceRegistration<Service>> registrations = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return new Option[] {
                CourierDistribution.options(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.courier.name", "io.courier"),
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.courier.level",
                        System.getProperty("courier.logLevel", "INFO")),
                systemTimeout(120_000),
                // services may take a while to come up on a busy machine: wait up to a minute before injecting
                editConfigurationFilePut("etc/system.properties", "pax.exam.service.timeout", "60000"),
                // the dashboard's HTTP port: never 8181, which a Karaf running on this machine may hold
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                        String.valueOf(KarafProcess.freePort())),
                // The probe waits with Awaitility
                mavenBundle(maven("org.hamcrest", "hamcrest", "2.2")),
                mavenBundle(maven("org.awaitility", "awaitility", "4.2.2")),
                database(),
        };
    }

    /** The store's database: by default the distribution's own, the embedded HSQLDB. */
    protected Option database() {
        return composite();
    }

    /**
     * For {@link #database()}: the store on a fresh database {@code name} on the test JVM's shared PostgreSQL server,
     * set in etc/io.courier.database.cfg. Runs in the test JVM, while Pax Exam configures the container.
     */
    protected static Option postgres(String name) {
        PostgresDatabase db = PostgresDatabase.create(PostgresServer.shared(), name);
        return composite(
                editConfigurationFilePut("etc/io.courier.database.cfg", "url", db.url()),
                editConfigurationFilePut("etc/io.courier.database.cfg", "user", db.user()),
                editConfigurationFilePut("etc/io.courier.database.cfg", "password", db.password()));
    }

    /**
     * With {@link #postgres}: courier:database shows the store open on PostgreSQL and never the password, and no
     * embedded database was created under data/courier.
     */
    protected void assertStoreOnPostgres() throws Exception {
        awaitCommands();
        String shown = execute("courier:database");
        assertTrue("courier:database printed:\n" + shown, StoreDatabase.POSTGRESQL.isOpenIn(shown));
        assertFalse("courier:database shows the password:\n" + shown, shown.contains(PostgresDatabase.PASSWORD));
        assertFalse("an embedded database was created under data/courier",
                Files.exists(Path.of(System.getProperty("karaf.data"), "courier")));
    }

    /** Registers a Courier service from the probe; it is unregistered after the test. */
    protected ServiceRegistration<Service> register(String name, Service service, Object... keyValues) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Service.NAME, name);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        ServiceRegistration<Service> reg = bundleContext.registerService(Service.class, service, props);
        registrations.add(reg);
        return reg;
    }

    protected void unregister(ServiceRegistration<Service> reg) {
        registrations.remove(reg);
        reg.unregister();
    }

    @After
    public void unregisterTestServices() {
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the test itself
            }
        });
        registrations.clear();
    }

    /** Waits until services of the distribution (the examples) have registered: they start asynchronously. */
    protected void awaitServices(String... names) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(names).allMatch(n -> registry.find(n).isPresent()));
    }

    protected Optional<TopicInfo> topic(String name) {
        return admin.topics().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    protected SubscriptionInfo subscription(String topic, String subscriber) {
        return admin.subscriptions().stream().filter(s -> s.topic().equals(topic) && s.subscriber().equals(subscriber))
                .findFirst().orElseThrow(() -> new AssertionError("no subscription of " + subscriber + " to " + topic));
    }

    /** Pending plus dead deliveries of every topic: what the store holds. */
    protected long storedDeliveries() {
        return admin.topics().stream().mapToLong(t -> t.depth() + t.dead()).sum();
    }

    /** Runs a console command as the admin user would; returns its output, or "ERROR: " and the message. */
    protected String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(System.in, out, out);
        Subject user = new Subject();
        user.getPrincipals().add(new UserPrincipal("courier"));
        user.getPrincipals().add(new RolePrincipal("admin"));
        user.getPrincipals().add(new RolePrincipal("viewer"));
        try {
            Subject.doAs(user, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            Throwable cause = e instanceof PrivilegedActionException p ? p.getException() : e;
            while (cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            return "ERROR: " + cause.getMessage();
        } finally {
            session.close();
        }
    }

    /** Waits until the courier commands are registered: a moment after the shell itself. */
    protected void awaitCommands() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !execute("courier:services").contains("Command not found"));
    }
}
