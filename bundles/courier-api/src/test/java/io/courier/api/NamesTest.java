package io.courier.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = { "orders", "a", "Z", "0", "order-service_2.v1", "...", "A-b_C.9" })
    void validServiceNames(String name) {
        assertTrue(Names.isServiceName(name), name);
        assertNull(Names.serviceNameProblem(name), name);
    }

    @Test
    void serviceNamesMayHave200CharactersButNotMore() {
        assertTrue(Names.isServiceName("s".repeat(200)));
        assertNull(Names.serviceNameProblem("s".repeat(200)));
        assertFalse(Names.isServiceName("s".repeat(201)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "/orders", "a b", "a/b", "orders/", "x:y", "ä", "tab\t", "a*", " orders" })
    void invalidServiceNames(String name) {
        assertFalse(Names.isServiceName(name), name);
        assertNotNull(Names.serviceNameProblem(name), name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void anEmptyServiceNameIsReportedAsEmpty(String name) {
        assertTrue(Names.serviceNameProblem(name).contains("empty"), Names.serviceNameProblem(name));
    }

    @Test
    void aLeadingSlashIsReportedAsTheMarkOfASharedTopic() {
        String problem = Names.serviceNameProblem("/orders");
        assertTrue(problem.contains("'/'") && problem.contains("shared topic"), problem);
    }

    @Test
    void aTooLongNameIsReportedWithTheLimit() {
        String problem = Names.serviceNameProblem("s".repeat(201));
        assertTrue(problem.contains("longer than 200"), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = { "a b", "a/b", "x:y", "ä" })
    void badCharactersAreReportedWithTheAllowedOnes(String name) {
        String problem = Names.serviceNameProblem(name);
        assertTrue(problem.contains("letters, digits"), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/a", "/orders/created", "/a.b-c_d/E9", "/x/y/z", "/..." })
    void validSharedTopicNames(String name) {
        assertTrue(Names.isSharedTopicName(name), name);
        assertFalse(Names.isServiceName(name), name + " must not also be a service name");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "/", "//x", "x/", "/a b", "/a/", "orders", "/orders//created", "/a:b", "/ä", " /a" })
    void invalidSharedTopicNames(String name) {
        assertFalse(Names.isSharedTopicName(name), name);
    }

    @Test
    void sharedTopicNamesMayHave200CharactersIncludingTheSlash() {
        assertTrue(Names.isSharedTopicName("/" + "t".repeat(199)));
        assertFalse(Names.isSharedTopicName("/" + "t".repeat(200)));
    }
}
