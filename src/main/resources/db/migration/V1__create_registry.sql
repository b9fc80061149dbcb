-- Desired state: the clusters, services and subscriptions users registered.

create table kafka_clusters (
    name       varchar(63) primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version    bigint      not null default 0
);

create table kafka_cluster_properties (
    cluster_name varchar(63) not null references kafka_clusters (name) on delete cascade,
    name         text        not null,
    value        text        not null,
    primary key (cluster_name, name)
);

create table services (
    name                      text primary key,
    type                      text        not null,
    endpoint                  text        not null,
    timeout_ms                bigint,
    retry_initial_interval_ms bigint,
    retry_factor              double precision,
    retry_max_interval_ms     bigint,
    retry_max_attempts        integer,
    retry_on_max_attempts     text,
    created_at                timestamptz not null,
    version                   bigint      not null default 0
);

create table service_handlers (
    service_name              text    not null references services (name) on delete cascade,
    position                  integer not null,
    name                      text    not null,
    type                      text,
    input                     text    not null,
    timeout_ms                bigint,
    retry_initial_interval_ms bigint,
    retry_factor              double precision,
    retry_max_interval_ms     bigint,
    retry_max_attempts        integer,
    retry_on_max_attempts     text,
    primary key (service_name, position),
    unique (service_name, name)
);

create table subscriptions (
    id           text primary key,
    cluster_name varchar(63) not null references kafka_clusters (name),
    topic        text        not null,
    service_name text        not null references services (name),
    handler_name text        not null,
    state        text        not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    version      bigint      not null default 0
);

create index subscriptions_cluster on subscriptions (cluster_name);
create index subscriptions_service on subscriptions (service_name);

create table subscription_options (
    subscription_id text not null references subscriptions (id) on delete cascade,
    name            text not null,
    value           text not null,
    primary key (subscription_id, name)
);
