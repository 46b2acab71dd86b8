package io.github.unixhttp.connector.policy;

import io.github.unixhttp.connector.internal.policy.AllowAllPolicy;
import io.github.unixhttp.connector.internal.policy.SameUserPolicy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.github.unixhttp.core.PeerCredentials;

/**
 * Decides, from a peer's kernel-vouched credentials, whether it may talk to the server. Checked once per
 * connection, at accept, before any handler runs.
 *
 * <pre>{@code
 * connector.setPeerPolicy(PeerPolicy.builder().allowSameUser().allowGroup("docker").build());
 * }</pre>
 *
 * <p>A policy of your own should say in {@code toString()} whom it admits: JMX shows that text.</p>
 */
@FunctionalInterface
public interface PeerPolicy
{
    Verdict evaluate(PeerCredentials peer);

    /**
     * @return the user and group names this policy admits by that this system does not know now, such rules admitting
     *         no one (see {@link PeerRules#unknownNames()}); the connector warns of them when it starts. None by default
     */
    default List<String> unknownNames()
    {
        return List.of();
    }

    /**
     * @return whether this policy decides by the peer's process (executable, systemd unit, cgroup): the connector then
     *         reads it at each accept (Linux 6.5+, the Linux layer), and refuses to start where it cannot. No by default
     */
    default boolean needsProcess()
    {
        return false;
    }

    /** Everyone who can reach the socket file: the default; the file mode and group are then the only check. */
    static PeerPolicy allowAll()
    {
        return AllowAllPolicy.INSTANCE;
    }

    /** Only peers running as this server's own (effective) user: the default {@linkplain TrustedProxiesSource trusted proxies}. */
    static PeerPolicy sameUser()
    {
        return SameUserPolicy.INSTANCE;
    }

    /**
     * @return a builder of rules any one of which admits a peer
     */
    static PeerRules.Builder builder()
    {
        return PeerRules.builder();
    }

    /**
     * @return a policy admitting only peers every one of {@code policies} admits
     */
    static PeerPolicy allOf(PeerPolicy... policies)
    {
        return new AllOf(List.copyOf(Arrays.asList(policies)));
    }

    /**
     * @return a policy admitting peers any one of {@code policies} admits
     */
    static PeerPolicy anyOf(PeerPolicy... policies)
    {
        return new AnyOf(List.copyOf(Arrays.asList(policies)));
    }

    /** {@link #allOf}; a class rather than a lambda so that JMX and logs can describe it. */
    record AllOf(List<PeerPolicy> policies) implements PeerPolicy
    {
        @Override
        public Verdict evaluate(PeerCredentials peer)
        {
            for (PeerPolicy policy : policies)
            {
                Verdict verdict = policy.evaluate(peer);
                if (!verdict.allowed())
                    return verdict;
            }
            return Verdict.allow();
        }

        @Override
        public List<String> unknownNames()
        {
            return unknownNamesOf(policies);
        }

        @Override
        public boolean needsProcess()
        {
            return policies.stream().anyMatch(PeerPolicy::needsProcess);
        }

        @Override
        public String toString()
        {
            return "all of " + describe(policies);
        }
    }

    /** {@link #anyOf}; a class rather than a lambda so that JMX and logs can describe it. */
    record AnyOf(List<PeerPolicy> policies) implements PeerPolicy
    {
        @Override
        public Verdict evaluate(PeerCredentials peer)
        {
            Verdict last = Verdict.refuse("peer " + peer + " is not allowed");
            for (PeerPolicy policy : policies)
            {
                last = policy.evaluate(peer);
                if (last.allowed())
                    return last;
            }
            return last;
        }

        @Override
        public List<String> unknownNames()
        {
            return unknownNamesOf(policies);
        }

        @Override
        public boolean needsProcess()
        {
            return policies.stream().anyMatch(PeerPolicy::needsProcess);
        }

        @Override
        public String toString()
        {
            return "any of " + describe(policies);
        }
    }

    private static List<String> unknownNamesOf(List<PeerPolicy> policies)
    {
        return policies.stream().flatMap(policy -> policy.unknownNames().stream()).distinct().toList();
    }

    private static String describe(List<PeerPolicy> policies)
    {
        return policies.stream().map(String::valueOf).collect(Collectors.joining("; ", "(", ")"));
    }
}
