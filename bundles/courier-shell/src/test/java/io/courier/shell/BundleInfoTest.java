package io.courier.shell;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.karaf.shell.api.action.Command;
import org.junit.jupiter.api.Test;

/** Every command is listed where users look for it: the bundle's info (bundle:info) and the README's command table. */
class BundleInfoTest {

    @Test
    void everyCommandIsTestedAndListedInTheBundleInfoAndTheReadme() throws Exception {
        List<Class<?>> commands = commandClasses();
        assertEquals(16, commands.size(), commands.toString());
        assertEquals(commands.stream().collect(toSet()), Console.COMMANDS.stream().collect(toSet()),
                "the tests' console registers every command");

        List<String> info = Files.readAllLines(Path.of("src/main/resources/OSGI-INF/bundle.info"));
        List<String> readmeTable = Files.readAllLines(Path.of("../../README.md")).stream()
                .filter(l -> l.startsWith("| `courier:")).toList();
        for (Class<?> c : commands) {
            String name = "courier:" + c.getAnnotation(Command.class).name();
            assertTrue(info.stream().anyMatch(l -> l.startsWith(name + " ")), name + " is missing from bundle.info");
            assertTrue(readmeTable.stream().anyMatch(l -> l.contains("`" + name + " ") || l.contains("`" + name + "`")),
                    name + " is missing from the README's command table");
        }
    }

    /** The classes of this bundle annotated as Karaf commands, as compiled. */
    private static List<Class<?>> commandClasses() throws Exception {
        Path classes = Path.of(ServicesCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.list(classes.resolve("io/courier/shell"))) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> "io.courier.shell." + n.substring(0, n.length() - ".class".length())).toList();
            List<Class<?>> commands = new ArrayList<>();
            for (String name : names) {
                Class<?> c = Class.forName(name);
                if (c.isAnnotationPresent(Command.class)) {
                    commands.add(c);
                }
            }
            commands.sort(Comparator.comparing(Class::getName));
            return commands;
        }
    }
}
