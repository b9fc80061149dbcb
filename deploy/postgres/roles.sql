-- Two roles for Ferry, run once by a superuser (or the database's owner) in Ferry's database:
--   ferry_owner owns the schema objects; Flyway migrates as it (SPRING_FLYWAY_USER / SPRING_FLYWAY_PASSWORD).
--   ferry_app is what Ferry runs as (SPRING_DATASOURCE_USERNAME / _PASSWORD): rows only, no DDL.
-- Set the passwords with \password ferry_owner and \password ferry_app in psql (or ALTER ROLE ... PASSWORD).
create role ferry_owner login;
create role ferry_app login;
do $$ begin execute format('grant connect on database %I to ferry_owner, ferry_app', current_database()); end $$;
-- PostgreSQL 15 and later no longer let every role create in the public schema
grant usage, create on schema public to ferry_owner;
grant usage on schema public to ferry_app;
-- tables and sequences the owner creates now and in every later migration
alter default privileges for role ferry_owner in schema public
    grant select, insert, update, delete on tables to ferry_app;
alter default privileges for role ferry_owner in schema public
    grant usage, select on sequences to ferry_app;
