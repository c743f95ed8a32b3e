package io.courier.web.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a user name and password against a Karaf JAAS realm and tells whether the user has the required role.
 * Failed logins slow down the next ones from the same address ({@link LoginThrottle}).
 */
final class JaasLogin {

    private static final Logger LOG = LoggerFactory.getLogger(JaasLogin.class);

    private final String realm;
    private final String role;
    private final String viewerRole;
    private final LoginThrottle throttle;

    JaasLogin(String realm, String role, String viewerRole) {
        this(realm, role, viewerRole, new LoginThrottle(System::currentTimeMillis));
    }

    JaasLogin(String realm, String role, String viewerRole, LoginThrottle throttle) {
        this.realm = realm;
        this.role = role;
        this.viewerRole = viewerRole == null ? "" : viewerRole.trim();
        this.throttle = throttle;
    }

    /** The role that may look and act. */
    String role() {
        return role;
    }

    /** What a user without a role of the dashboard reads. */
    String noRole(String user) {
        return "User '" + user + "' has neither the " + role + " role" + (viewerRole.isEmpty() ? ""
                : " nor the " + viewerRole + " role");
    }

    /** The roles that may use the dashboard, in words: {@code the admin or viewer role}. */
    String roles() {
        return "the " + role + (viewerRole.isEmpty() ? "" : " or " + viewerRole) + " role";
    }

    /**
     * The user, if the realm accepts the password; empty otherwise.
     *
     * @param address the client's address
     * @throws WebException a 429 if too many logins from this address failed lately: the password is not checked
     */
    Optional<User> login(String name, String password, String address) {
        long waitMs = throttle.admit(address);
        if (waitMs > 0) {
            long seconds = (waitMs + 999) / 1000;
            LOG.debug("Login of '{}' from {} refused unchecked: {} s to wait after failed logins", name, address, seconds);
            throw WebException.tooManyRequests("Too many failed logins from " + address + ": try again in " + seconds
                    + (seconds == 1 ? " second" : " seconds"), seconds);
        }
        Optional<User> user = Optional.empty();
        try {
            user = check(name, password);
        } finally {
            throttle.done(address, user.isPresent());
        }
        if (user.isEmpty()) {
            LOG.info("Failed login of '{}' from {}", name, address);
        }
        return user;
    }

    private Optional<User> check(String name, String password) {
        if (name == null || name.isEmpty() || password == null) {
            return Optional.empty();
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the realm's login modules are found through the context class loader
        thread.setContextClassLoader(JaasLogin.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, new Subject(), callbacks -> {
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(name);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password.toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            });
            context.login();
            Set<String> roles = context.getSubject().getPrincipals(RolePrincipal.class).stream()
                    .map(RolePrincipal::getName).collect(Collectors.toSet());
            context.logout();
            return Optional.of(new User(name, roles.contains(role), !viewerRole.isEmpty() && roles.contains(viewerRole)));
        } catch (LoginException e) {
            LOG.debug("Login of '{}' to realm {} refused: {}", name, realm, e.toString());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The user named by an {@code Authorization: Basic} header, sent from this address.
     *
     * @return empty if the header is absent or not Basic; a refused login gives a 401, too many a 429
     */
    Optional<User> basic(String authorization, String address) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new WebException(401, "The Authorization header is not valid Basic credentials (base64 of user:password)");
        }
        int colon = decoded.indexOf(':');
        Optional<User> user = colon < 0 ? login(decoded, null, address)
                : login(decoded.substring(0, colon), decoded.substring(colon + 1), address);
        return Optional.of(user.orElseThrow(() -> new WebException(401, "Wrong user name or password")));
    }
}
