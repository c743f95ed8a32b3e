package io.courier.bench;

import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.courier.testing.postgresql.PostgresServer;

/**
 * {@link CourierBenchIT}'s durable scenarios with the distribution's store on PostgreSQL: 1 and 8 publishers end to
 * end, batch of 100, latency under load, a sustained run through one subscription, then the backlog and the restart
 * with it stored. The database is a fresh
 * one, {@value #DATABASE}, on the harness JVM's private PostgreSQL server ({@link PostgresServer#shared()}, default
 * settings: fsync and synchronous_commit on), the server {@link PostgresBaselineIT} measures in the same run; the
 * distribution is pointed at it by {@code etc/io.courier.database.cfg}. Figures are CourierBenchIT's, named
 * {@code pg.courier.*}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CourierPostgresBenchIT extends CourierBenchIT {

    static final String DATABASE = "courier_bench";
    private static final String DATABASE_CFG = "etc/io.courier.database.cfg";

    public CourierPostgresBenchIT() {
        super("pg.");
    }

    /** Runs in the harness JVM (Pax Exam's driver), which starts the server; the container only reads the file. */
    @Override
    @Configuration
    public Option[] config() {
        PostgresServer server = PostgresServer.shared();
        String url = server.createDatabase(DATABASE);
        return OptionUtils.combine(super.config(),
                editConfigurationFilePut(DATABASE_CFG, "url", url),
                editConfigurationFilePut(DATABASE_CFG, "user", server.user()),
                editConfigurationFilePut(DATABASE_CFG, "password", server.password()),
                editConfigurationFilePut("etc/system.properties", CpuTime.PG_PID_PROPERTY, Long.toString(server.pid())));
    }

    @Override
    @Test
    public void scenarios() throws Exception {
        run("warmUp", this::warmUp);
        run("durable", this::durable);
        run("sustained", this::sustained);
        run("backlog", this::backlog);
    }
}
