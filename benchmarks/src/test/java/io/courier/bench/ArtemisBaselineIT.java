package io.courier.bench;

import static org.junit.Assert.assertEquals;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * Starts {@link ArtemisBench} as a plain Java program in a JVM of its own (Artemis is a benchmark dependency
 * only, never part of Courier's runtime), and waits for its figures.
 */
public class ArtemisBaselineIT {

    @Test
    public void durableBlockingSends() throws Exception {
        Bench.settleDisk("the Artemis baseline");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "-Dbench.dir=" + Bench.dir().toAbsolutePath(), "-Dbench.quick=" + Bench.QUICK,
                ArtemisBench.class.getName())).inheritIO().start();
        try {
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                throw new AssertionError("The Artemis benchmark did not finish within 20 minutes");
            }
            assertEquals("exit code of the Artemis benchmark", 0, p.exitValue());
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly(); // this process only, by its handle
            }
        }
    }
}
