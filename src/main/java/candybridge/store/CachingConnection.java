package candybridge.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The group-commit writer's connection, with its prepared statements kept for reuse. SQLite
 * compiles a statement on every {@code prepareStatement} and sqlite-jdbc keeps no cache (nor does
 * HikariCP), which cost the writer thread about as much as running the inserts themselves.
 *
 * <p>{@code prepareStatement(sql)} returns the cached statement; its {@code close()} only clears
 * the parameters, so store code keeps its ordinary try-with-resources. Every other call goes to the
 * real connection, except {@code close()}, which is left to the owner: {@link #release}. Confined
 * to one thread, like the connection.
 */
final class CachingConnection implements InvocationHandler {
  /** The store writes with a few dozen distinct statements; more means SQL built at run time. */
  static final int MAX_STATEMENTS = 100;

  private final Connection connection;

  /** The proxies handed out, by SQL. */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** The statements behind them, closed by {@link #release}. */
  private final List<PreparedStatement> real = new ArrayList<>();

  private final Connection proxy;

  private CachingConnection(Connection connection) {
    this.connection = connection;
    this.proxy =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
  }

  static CachingConnection over(Connection connection) {
    return new CachingConnection(connection);
  }

  /** The connection to hand to store code. */
  Connection connection() {
    return proxy;
  }

  /** The connection as the pool handed it out (to evict it). */
  Connection pooled() {
    return connection;
  }

  /** Closes every cached statement and then the real connection (back to its pool). */
  void release() {
    for (PreparedStatement p : real) {
      try {
        p.close();
      } catch (SQLException e) {
        // closing the connection below frees it as well
      }
    }
    statements.clear();
    real.clear();
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing to do: the pool discards a connection it cannot reset
    }
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (name.equals("close") && args == null) {
      return null;
    }
    if (name.equals("prepareStatement") && args != null && args.length == 1) {
      return cached((String) args[0]);
    }
    return call(connection, method, args);
  }

  private PreparedStatement cached(String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null && statements.size() >= MAX_STATEMENTS) {
      return connection.prepareStatement(sql); // SQL built from input: not worth keeping
    }
    if (p == null) {
      PreparedStatement statement = connection.prepareStatement(sql);
      real.add(statement);
      p =
          (PreparedStatement)
              Proxy.newProxyInstance(
                  PreparedStatement.class.getClassLoader(),
                  new Class<?>[] {PreparedStatement.class},
                  (self, method, args) -> {
                    if (method.getName().equals("close") && args == null) {
                      statement.clearParameters();
                      return null;
                    }
                    return call(statement, method, args);
                  });
      statements.put(sql, p);
    }
    return p;
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
