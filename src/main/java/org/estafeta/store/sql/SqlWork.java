package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** A piece of database work run on a borrowed connection. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}
