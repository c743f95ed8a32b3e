package io.courier.itest.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/** Appends lines to a file under {@code ${karaf.data}/itest}, each forced to disk before append returns. */
final class DurableLog {

    private final Path file;

    DurableLog(String name) {
        this.file = Paths.get(System.getProperty("karaf.data"), "itest", name);
    }

    synchronized void append(String line) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
