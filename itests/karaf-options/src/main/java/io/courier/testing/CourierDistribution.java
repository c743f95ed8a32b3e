package io.courier.testing;

import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;

import java.io.File;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.extra.VMOption;

/**
 * The Pax Exam options that start the built Courier distribution as users run it, shared by the integration
 * tests and the benchmarks. They read the system properties the modules' failsafe configurations set:
 * {@code karaf.version}, {@code courier.distribution} (the assembly's archive), {@code project.build.directory}
 * (the runtime is unpacked under its {@code exam} folder), {@code maven.repo.local}, and
 * {@code courier.keepRuntime} (true keeps the runtime folder, its log included, after the run).
 */
public final class CourierDistribution {

    private CourierDistribution() {
    }

    public static Option options() {
        String karafVersion = System.getProperty("karaf.version");
        File distribution = new File(System.getProperty("courier.distribution"));
        File unpack = new File(System.getProperty("project.build.directory"), "exam");
        return composite(
                when(Boolean.getBoolean("courier.keepRuntime")).useOptions(keepRuntimeFolder()),
                karafDistributionConfiguration()
                        .frameworkUrl(distribution.toURI().toString())
                        .karafVersion(karafVersion)
                        .name("Courier")
                        .unpackDirectory(unpack)
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local")),
                javaModuleOptions(karafVersion));
    }

    /** What bin/karaf adds on Java 9 and later, which Pax Exam does not. */
    private static Option javaModuleOptions(String karafVersion) {
        return composite(
                new VMOption("--add-reads=java.xml=java.logging"),
                new VMOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"),
                new VMOption("--patch-module"),
                new VMOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar"),
                new VMOption("--patch-module"),
                new VMOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar"),
                new VMOption("--add-opens"), new VMOption("java.base/java.security=ALL-UNNAMED"),
                new VMOption("--add-opens"), new VMOption("java.base/java.net=ALL-UNNAMED"),
                new VMOption("--add-opens"), new VMOption("java.base/java.lang=ALL-UNNAMED"),
                new VMOption("--add-opens"), new VMOption("java.base/java.util=ALL-UNNAMED"),
                new VMOption("--add-opens"), new VMOption("java.naming/javax.naming.spi=ALL-UNNAMED"),
                new VMOption("--add-opens"), new VMOption("java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED"),
                new VMOption("--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED"),
                new VMOption("--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED"),
                new VMOption("-classpath"),
                new VMOption("lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*"));
    }
}
