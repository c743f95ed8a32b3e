package io.courier.pubsub.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's name, which it holds in the database while it runs: {@code COURIER_NODE} from the environment, else the
 * {@code node} setting of {@code etc/io.courier.pubsub.cfg}, else one made from the host name, the Karaf instance's
 * name and a short checksum of the installation's folder: stable across restarts of one installation, different
 * for two installations on one host.
 */
public final class NodeName {

    private static final Logger LOG = LoggerFactory.getLogger(NodeName.class);

    /** The environment variable that names the node. */
    public static final String ENV = "COURIER_NODE";
    /** The longest name the store keeps. */
    static final int MAX_LENGTH = 200;

    private NodeName() {
    }

    /**
     * The node's name. One given that is longer than {@value #MAX_LENGTH} characters or holds a control character
     * is reported, naming its setting, and the name made up is used instead.
     *
     * @param configured the {@code node} setting, empty if unset
     */
    public static String resolve(Map<String, String> env, String configured, String host, String karafName,
            String karafBase) {
        String given = env.get(ENV);
        String from = ENV;
        if (given == null || given.isBlank()) {
            given = configured;
            from = "node in etc/io.courier.pubsub.cfg";
        }
        if (given != null && !given.isBlank()) {
            String name = given.strip();
            if (name.length() > MAX_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
                String made = madeUp(host, karafName, karafBase);
                LOG.error("{} must be at most {} characters, none of them a control character; this node is named {}"
                        + " instead", from, MAX_LENGTH, made);
                return made;
            }
            return name;
        }
        return madeUp(host, karafName, karafBase);
    }

    private static String madeUp(String host, String karafName, String karafBase) {
        CRC32 crc = new CRC32();
        crc.update(karafBase.getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%s-%s-%04x", host, karafName, crc.getValue() & 0xffff);
    }
}
