package io.courier.pubsub.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

    @Test
    void nothingSetIsTheEmbeddedHsqldbUnderKarafsDataFolder() {
        DatabaseSettings s = DatabaseSettings.resolve(Map.of(), Map.of(), "/opt/courier/data");
        assertTrue(s.url().startsWith("jdbc:hsqldb:file:/opt/courier/data/courier/courier;"), s.url());
        assertTrue(s.url().contains("hsqldb.write_delay=false"), s.url());
        assertEquals("SA", s.user());
        assertEquals("", s.password());
        assertTrue(s.urlFrom().startsWith("the default, embedded HSQLDB"), s.urlFrom());
    }

    @Test
    void theEnvironmentWinsOverTheFileKeyByKey() {
        Map<String, Object> file = Map.of("url", "jdbc:postgresql://file-host/courier", "user", "from-file",
                "password", "file-secret");
        Map<String, String> env = Map.of(DatabaseSettings.ENV_URL, "jdbc:postgresql://env-host/courier",
                DatabaseSettings.ENV_PASSWORD, "env-secret");
        DatabaseSettings s = DatabaseSettings.resolve(file, env, "data");
        assertEquals("jdbc:postgresql://env-host/courier", s.url());
        assertEquals("COURIER_DB_URL (environment)", s.urlFrom());
        assertEquals("from-file", s.user(), "no COURIER_DB_USER: the file's user");
        assertEquals("user in etc/io.courier.database.cfg", s.userFrom());
        assertEquals("env-secret", s.password());
        assertEquals("COURIER_DB_PASSWORD (environment)", s.passwordFrom());
    }

    @Test
    void blankValuesCountAsUnset() {
        DatabaseSettings s = DatabaseSettings.resolve(Map.of("url", "  "), Map.of(DatabaseSettings.ENV_URL, ""), "d");
        assertTrue(s.url().startsWith("jdbc:hsqldb:file:d/courier/courier"), s.url());
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() {
        DatabaseSettings s = DatabaseSettings.resolve(Map.of(), Map.of(DatabaseSettings.ENV_URL,
                "jdbc:postgresql://h/db?user=u&password=hunter2&ssl=true"), "d");
        assertEquals("jdbc:postgresql://h/db?user=u&password=***&ssl=true", s.displayUrl());
        assertFalse(s.toString().contains("hunter2"), s.toString());
    }
}
