/**
 * What the server counts and measures, exposed in the Prometheus text format at {@code /metrics}
 * (Micrometer). A leaf: it knows no other package of ours; the wiring ({@code app}) feeds it from the
 * hooks the other packages already offer (the inbound pipeline's observers, the queue runner's
 * outcomes, the authenticator's failures, the IMAP command timer, the listeners' open sessions), so
 * that no protocol code carries instrumentation. The metric names are a contract with the Grafana
 * dashboard in {@code docs/grafana-dashboard.json}: change both together.
 */
package org.estafeta.metrics;
