/**
 * The audit trail's parts: its JSON lines, the bound on refusal lines, and the thread that writes them.
 *
 * <p>Implementation, not API: public only so that the connector's other packages can use it. No compatibility
 * promise; anything here may change or go in any release.</p>
 */
package io.github.unixhttp.connector.internal.audit;
