package io.github.unixhttp.connector.internal.policy;

import io.github.unixhttp.connector.policy.PeerPolicy;

/** The same-user policy, built on first use: building it looks up this process's user. */
public final class SameUserPolicy
{
    public static final PeerPolicy INSTANCE = PeerPolicy.builder().allowSameUser().build();

    private SameUserPolicy()
    {
    }
}
