package io.courier.pubsub.internal.store;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which database the store uses and how it logs in: each of the URL, user and password from the environment
 * ({@code COURIER_DB_URL}, {@code COURIER_DB_USER}, {@code COURIER_DB_PASSWORD}) when set there, else from the
 * configuration {@code io.courier.database} (keys {@code url}, {@code user}, {@code password}), else the embedded
 * HSQLDB under Karaf's data folder. Nothing here ever shows the password: {@link #toString()} and
 * {@link #displayUrl()} leave it out, also where the URL itself carries one.
 *
 * @param url      the JDBC URL
 * @param user     the user, empty if none
 * @param password the password, empty if none
 * @param urlFrom  where the URL came from, as a user would name the setting to change
 * @param userFrom where the user came from (or would, if it is empty)
 * @param passwordFrom where the password came from (or would, if it is empty)
 */
public record DatabaseSettings(String url, String user, String password, String urlFrom, String userFrom,
        String passwordFrom) {

    /** The configuration's PID, and the file under etc/ that holds it. */
    public static final String PID = "io.courier.database";
    public static final String FILE = "etc/" + PID + ".cfg";

    public static final String ENV_URL = "COURIER_DB_URL";
    public static final String ENV_USER = "COURIER_DB_USER";
    public static final String ENV_PASSWORD = "COURIER_DB_PASSWORD";

    /** The embedded database's URL under Karaf's data folder (options: see {@link Dialect#HSQLDB}). */
    static String embeddedUrl(String karafData) {
        return "jdbc:hsqldb:file:" + karafData + "/courier/courier;hsqldb.write_delay=false;"
                + "hsqldb.default_table_type=cached;hsqldb.tx=mvcc;hsqldb.lock_file=true";
    }

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    /**
     * The settings in force: the environment wins over the configuration, key by key; with no URL in either, the
     * embedded HSQLDB (user SA, no password, as HSQLDB creates it).
     */
    public static DatabaseSettings resolve(Map<String, ?> config, Map<String, String> env, String karafData) {
        String[] url = pick(env, ENV_URL, config, "url");
        String[] user = pick(env, ENV_USER, config, "user");
        String[] password = pick(env, ENV_PASSWORD, config, "password");
        if (url == null) {
            url = new String[] { embeddedUrl(karafData), "the default, embedded HSQLDB (" + ENV_URL + " or url in "
                    + FILE + " to change)" };
            if (user == null) {
                user = new String[] { "SA", "the default" };
            }
        }
        return new DatabaseSettings(url[0], user == null ? "" : user[0], password == null ? "" : password[0], url[1],
                user == null ? ENV_USER + " or user in " + FILE : user[1],
                password == null ? ENV_PASSWORD + " or password in " + FILE : password[1]);
    }

    /** The value and where it came from, or null if neither the environment nor the configuration sets it. */
    private static String[] pick(Map<String, String> env, String envName, Map<String, ?> config, String key) {
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new String[] { fromEnv.trim(), envName + " (environment)" };
        }
        Object fromConfig = config.get(key);
        if (fromConfig != null && !fromConfig.toString().isBlank()) {
            return new String[] { fromConfig.toString().trim(), key + " in " + FILE };
        }
        return null;
    }

    /** The URL with any password it carries replaced by {@code ***}. */
    public String displayUrl() {
        return URL_PASSWORD.matcher(url).replaceAll("$1***");
    }

    @Override
    public String toString() {
        return displayUrl() + (user.isEmpty() ? "" : " as " + user);
    }
}
