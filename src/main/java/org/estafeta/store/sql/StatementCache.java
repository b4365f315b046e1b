package org.estafeta.store.sql;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a SQLite connection's prepared statements for the next use of the same SQL. Preparing is
 * SQLite compiling the statement (and every trigger it fires) into a program, and it was a third of
 * SQLite's time per arriving message: every store method prepares its statements anew, as JDBC code
 * does, counting on a driver or pool to cache them. PostgreSQL's driver does; the SQLite driver and
 * HikariCP do not (HikariCP leaves it to drivers on purpose), so this is the cache, for SQLite only.
 *
 * <p>{@code prepareStatement(sql)} on the wrapped connection gives the cached statement when it is
 * not in use; its {@code close()} gives it back, reset (result set closed, parameters and batch
 * cleared), for the next caller. A statement still in use (the same SQL run again inside its own
 * result loop) is prepared afresh and closed for real. The least recently used statements are
 * closed past {@link #CAPACITY}, so SQL built with a varying number of parameters does not pile up.
 * A connection is used by one thread at a time (the writer, or a reader taken from the pool), so
 * nothing here is synchronised.
 */
final class StatementCache implements InvocationHandler {

    static final int CAPACITY = 100;

    private final Connection connection;
    private final Map<String, Cached> statements = new LinkedHashMap<>(16, 0.75f, true);

    private StatementCache(Connection connection) {
        this.connection = connection;
    }

    static Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), new Class<?>[] {Connection.class},
                new StatementCache(connection));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object identity = identity(proxy, method, args);
        if (identity != null) return identity;
        if (method.getName().equals("prepareStatement") && args.length == 1) return prepare((String) args[0]);
        if (method.getName().equals("close") && args == null) closeAll();
        return call(connection, method, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        Cached cached = statements.get(sql);
        if (cached != null && !cached.inUse) {
            cached.inUse = true;
            return cached.proxy;
        }
        PreparedStatement real = connection.prepareStatement(sql);
        if (cached != null) return real;
        cached = new Cached(sql, real);
        statements.put(sql, cached);
        evict();
        return cached.proxy;
    }

    private void evict() throws SQLException {
        Iterator<Cached> oldest = statements.values().iterator();
        while (statements.size() > CAPACITY && oldest.hasNext()) {
            Cached c = oldest.next();
            if (c.inUse) continue;
            oldest.remove();
            c.real.close();
        }
    }

    private void closeAll() throws SQLException {
        SQLException first = null;
        for (Cached c : statements.values()) {
            try {
                c.real.close();
            } catch (SQLException e) {
                if (first == null) first = e;
            }
        }
        statements.clear();
        if (first != null) throw first;
    }

    /** equals and hashCode of a proxy are its own identity's, not the object's behind it (which would not equal its proxy). */
    private static Object identity(Object proxy, Method method, Object[] args) {
        if (method.getName().equals("equals") && args != null && args.length == 1 && method.getParameterTypes()[0] == Object.class) {
            return proxy == args[0];
        }
        if (method.getName().equals("hashCode") && args == null) return System.identityHashCode(proxy);
        return null;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One cached statement, and the proxy callers get: its close() resets and gives it back. */
    private final class Cached implements InvocationHandler {
        private final String sql;
        private final PreparedStatement real;
        private final PreparedStatement proxy;
        /** What the statement's executeQuery gave since it was taken: a result set left open keeps SQLite's read snapshot. */
        private final List<ResultSet> results = new ArrayList<>(1);
        private boolean inUse = true;

        Cached(String sql, PreparedStatement real) {
            this.sql = sql;
            this.real = real;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object p, Method method, Object[] args) throws Throwable {
            Object identity = identity(p, method, args);
            if (identity != null) return identity;
            String name = method.getName();
            if (name.equals("close") && args == null) {
                if (inUse) giveBack();
                return null;
            }
            if (name.equals("isClosed") && args == null) return !inUse;
            if (!inUse) throw new SQLException("statement used after close");
            Object result = call(real, method, args);
            if (result instanceof ResultSet rs) results.add(rs);
            return result;
        }

        private void giveBack() throws SQLException {
            inUse = false;
            try {
                for (ResultSet rs : results) rs.close();
                real.clearParameters();
                real.clearBatch();
            } catch (SQLException e) {
                // Not reset: not for the next caller either.
                statements.remove(sql, this);
                real.close();
                throw e;
            } finally {
                results.clear();
            }
        }
    }
}
