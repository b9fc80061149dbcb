package dev.ferry.testsupport;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.Driver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fresh database on the shared PostgreSQL server with Ferry's migrations applied, for tests that drive the
 * invocation table directly (without starting the application).
 */
public record MigratedDatabase(DataSource dataSource, JdbcTemplate jdbc, TransactionTemplate transactions) {

    public static MigratedDatabase create(String prefix) {
        EmbeddedDatabase server = TestInfrastructure.database();
        String url = TestInfrastructure.freshDatabase(prefix);
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new Driver(), url,
                server.username(), server.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return new MigratedDatabase(dataSource, new JdbcTemplate(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    }
}
