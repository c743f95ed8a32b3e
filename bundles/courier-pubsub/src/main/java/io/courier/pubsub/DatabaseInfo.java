package io.courier.pubsub;

/**
 * The database a node's store uses, as the shell and the web show it: never the password, only whether one is
 * set and where from.
 *
 * @param product       HSQLDB or PostgreSQL
 * @param url           the JDBC URL, any password in it masked
 * @param urlFrom       the setting the URL came from (an environment variable, a key of etc/io.courier.database.cfg,
 *                      or the default)
 * @param user          the user, empty if none
 * @param userFrom      the setting the user came from, or would
 * @param passwordSet   whether a password is set
 * @param passwordFrom  the setting the password came from, or would
 * @param open          whether the store is open on the database
 * @param problem       why it is not, with the setting to fix; null when open
 * @param serverVersion the database server's version once connected, else null
 */
public record DatabaseInfo(String product, String url, String urlFrom, String user, String userFrom,
        boolean passwordSet, String passwordFrom, boolean open, String problem, String serverVersion) {
}
