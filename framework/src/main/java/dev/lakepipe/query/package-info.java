/**
 * SQL over a warehouse's tables, for people and notebooks: {@link dev.lakepipe.query.WarehouseQuery} reads the
 * tables a query names as specs name them ({@code `delta:dw.orders`}) or the sources and targets of a spec, each
 * as of its latest commit or an older one, and {@link dev.lakepipe.query.ResultFormat} prints the rows as an
 * aligned table, CSV or JSON lines. The {@code lakepipe query} command is a thin shell around the two.
 */
package dev.lakepipe.query;
