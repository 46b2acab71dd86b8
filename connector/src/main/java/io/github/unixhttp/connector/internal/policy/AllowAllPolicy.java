package io.github.unixhttp.connector.internal.policy;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.Verdict;

/** The shared allow-all policy: one instance, so that the connector can tell it needs no credentials. */
public enum AllowAllPolicy implements PeerPolicy
{
    INSTANCE;

    @Override
    public Verdict evaluate(PeerCredentials peer)
    {
        return Verdict.allow();
    }

    @Override
    public String toString()
    {
        return "allow all";
    }
}
