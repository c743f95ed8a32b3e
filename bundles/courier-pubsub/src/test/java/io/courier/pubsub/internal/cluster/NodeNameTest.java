package io.courier.pubsub.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class NodeNameTest {

    @Test
    void theEnvironmentWinsOverTheSettingWhichWinsOverTheMadeUpName() {
        assertEquals("node-1", NodeName.resolve(Map.of(NodeName.ENV, " node-1 "), "from-cfg", "h", "root", "/opt/c"));
        assertEquals("from-cfg", NodeName.resolve(Map.of(NodeName.ENV, " "), "from-cfg", "h", "root", "/opt/c"));
        String made = NodeName.resolve(Map.of(), "", "host7", "root", "/opt/courier");
        assertTrue(made.matches("host7-root-[0-9a-f]{4}"), made);
    }

    @Test
    void aMadeUpNameIsStableForOneInstallationAndDiffersForTwoOnOneHost() {
        String a = NodeName.resolve(Map.of(), "", "host7", "root", "/opt/courier-a");
        assertEquals(a, NodeName.resolve(Map.of(), "", "host7", "root", "/opt/courier-a"));
        assertNotEquals(a, NodeName.resolve(Map.of(), "", "host7", "root", "/opt/courier-b"));
    }

    @Test
    void aNameTooLongOrWithAControlCharacterIsReplacedByTheMadeUpOne() {
        String made = NodeName.resolve(Map.of(), "", "h", "root", "/opt/c");
        assertEquals(made, NodeName.resolve(Map.of(NodeName.ENV, "x".repeat(NodeName.MAX_LENGTH + 1)), "", "h", "root",
                "/opt/c"));
        assertEquals(made, NodeName.resolve(Map.of(), "bad\nname", "h", "root", "/opt/c"));
        assertEquals("x".repeat(NodeName.MAX_LENGTH), NodeName.resolve(Map.of(NodeName.ENV,
                "x".repeat(NodeName.MAX_LENGTH)), "", "h", "root", "/opt/c"));
    }
}
