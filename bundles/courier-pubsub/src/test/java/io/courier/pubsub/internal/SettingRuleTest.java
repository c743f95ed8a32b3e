package io.courier.pubsub.internal;

import static io.courier.pubsub.internal.SettingsTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.courier.pubsub.PolicyValue;

class SettingRuleTest {

    private static final DeliveryPolicy DEFAULTS = Settings.of(config(Map.of())).defaults();

    /** Every rule SettingRule defines. */
    private static List<SettingRule<?>> rules() throws IllegalAccessException {
        List<SettingRule<?>> rules = new ArrayList<>();
        for (Field f : SettingRule.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == SettingRule.class) {
                rules.add((SettingRule<?>) f.get(null));
            }
        }
        return rules;
    }

    private static SettingRule<?> rule(String key) throws IllegalAccessException {
        return rules().stream().filter(r -> r.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no SettingRule for the metatype attribute " + key));
    }

    /** A value of the rule's type: the number given, or true. */
    private static Object valueOf(SettingRule<?> rule, double n) {
        return rule.type() == Integer.class ? (Object) (int) n
                : rule.type() == Long.class ? (Object) (long) n : rule.type() == Double.class ? (Object) n : true;
    }

    /** The io.courier.pubsub default of a delivery key when this value is configured. */
    private static Object configured(SettingRule<?> rule, Object value) throws ReflectiveOperationException {
        DeliveryPolicy defaults = Settings.of(config(Map.of(rule.key(), value))).defaults();
        return DeliveryPolicy.class.getMethod(rule.key()).invoke(defaults);
    }

    /** A service's value of a delivery key, and its source, when its property sets this value. */
    private static PolicyValue servicePolicy(SettingRule<?> rule, Object value) {
        return PolicyResolver.explain("orders", Map.of(PolicyResolver.SERVICE_PROPERTY_PREFIX + rule.key(), value),
                null, DEFAULTS).values().stream().filter(v -> v.key().equals(rule.key())).findFirst().orElseThrow();
    }

    @Test
    void theDefaultsAndAServicesOwnValuesAreHeldToTheSameRange() throws ReflectiveOperationException {
        List<SettingRule<?>> delivery = List.of(SettingRule.MAX_ATTEMPTS, SettingRule.BACKOFF_INITIAL_MS,
                SettingRule.BACKOFF_MAX_MS, SettingRule.BACKOFF_MULTIPLIER, SettingRule.TIMEOUT_MS);
        for (SettingRule<?> rule : delivery) {
            double min = rule.min().doubleValue();
            double below = rule.type() == Double.class ? min - 0.01 : min - 1;
            Object atMin = valueOf(rule, min);
            Object belowMin = valueOf(rule, below);

            assertEquals(atMin, configured(rule, atMin), rule + "=" + atMin + " in io.courier.pubsub");
            assertEquals(new PolicyValue(rule.key(), String.valueOf(atMin), "service property "
                    + PolicyResolver.SERVICE_PROPERTY_PREFIX + rule.key()), servicePolicy(rule, atMin));

            assertEquals(rule.defaultValue(), configured(rule, belowMin),
                    rule + "=" + belowMin + " in io.courier.pubsub");
            assertEquals("default " + PubSubConfig.PID, servicePolicy(rule, belowMin).source(),
                    rule + "=" + belowMin + " as a service property");
        }
    }

    @Test
    void notANumberIsInNoRange() {
        assertFalse(SettingRule.BACKOFF_MULTIPLIER.allows(Double.NaN));
        assertEquals(2.0, Settings.of(config(Map.of("backoffMultiplier", Double.NaN))).defaults().backoffMultiplier());
        assertEquals("must be at least 1.0",
                assertThrows(IllegalArgumentException.class, () -> SettingRule.BACKOFF_MULTIPLIER.parse("NaN"))
                        .getMessage());
    }

    @Test
    void aRefusedValueIsToldItsRange() {
        assertEquals("must be from 1 to 1000",
                assertThrows(IllegalArgumentException.class, () -> SettingRule.DELIVERY_THREADS.parse("1001"))
                        .getMessage());
        assertEquals("must not be negative",
                assertThrows(IllegalArgumentException.class, () -> SettingRule.BACKOFF_MAX_MS.parse(-1))
                        .getMessage());
        assertEquals("must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> SettingRule.MAX_ATTEMPTS.parse(" 0 "))
                        .getMessage());
    }

    @Test
    void theMetatypeOfIoCourierPubsubStatesEachRuleItsDefaultIncluded() throws Exception {
        // the node's name is text, with no range: no rule
        List<Element> attributes = metatype("io.courier.pubsub.internal.PubSubConfig").stream()
                .filter(ad -> !ad.getAttribute("id").equals("node")).toList();
        assertEquals(rules().size(), attributes.size(), "one metatype attribute per rule");
        for (Element ad : attributes) {
            SettingRule<?> rule = rule(ad.getAttribute("id"));
            assertAgrees(rule, ad);
            assertEquals(String.valueOf(rule.defaultValue()), ad.getAttribute("default"), rule + "'s default");
        }
    }

    @Test
    void theMetatypeOfIoCourierDeliveryStatesTheDeliveryRules() throws Exception {
        List<Element> attributes = metatype("io.courier.pubsub.internal.ServiceDeliveryConfig$Config");
        assertEquals(7, attributes.size(), "service and the six delivery keys");
        for (Element ad : attributes) {
            if (!ad.getAttribute("id").equals("service")) {
                assertAgrees(rule(ad.getAttribute("id")), ad);
            }
        }
    }

    private static void assertAgrees(SettingRule<?> rule, Element ad) {
        assertEquals(rule.type().getSimpleName(), ad.getAttribute("type"), rule + "'s type");
        assertEquals(bound(rule.min()), bound(ad.getAttribute("min")), rule + "'s min");
        assertEquals(bound(rule.max()), bound(ad.getAttribute("max")), rule + "'s max");
    }

    /** A bound as a number, whether 1, 1L, 1.0 or "1"; null for none. */
    private static Double bound(Object bound) {
        return bound == null || bound.equals("") ? null : Double.valueOf(bound.toString());
    }

    /** The attribute definitions of a metatype description, as bnd writes it from the annotations. */
    private static List<Element> metatype(String ocd) throws Exception {
        String resource = "/OSGI-INF/metatype/" + ocd + ".xml";
        try (InputStream in = SettingRuleTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is not on the class path: bnd-maven-plugin writes it at process-classes");
            NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in)
                    .getElementsByTagName("AD");
            List<Element> attributes = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                attributes.add((Element) nodes.item(i));
            }
            return attributes;
        }
    }
}
