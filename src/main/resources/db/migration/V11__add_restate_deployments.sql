-- Restate SDK deployments: an endpoint whose manifest Ferry discovered, and the services it registered from it.

create table deployments (
    id                   text primary key,
    uri                  text        not null unique,
    use_http_11          boolean     not null,
    protocol_mode        text        not null,
    min_protocol_version integer     not null,
    max_protocol_version integer     not null,
    sdk_version          text,
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    version              bigint      not null default 0
);

-- How Ferry calls a service: plain HTTP handlers ('http') or the Restate service protocol ('restate').
alter table services add column protocol text not null default 'http';
alter table services add column deployment_id text references deployments (id);
alter table services add column use_http_11 boolean not null default false;
alter table services add column min_protocol_version integer;
alter table services add column max_protocol_version integer;
alter table services add column abort_timeout_ms bigint;
alter table services add column enable_lazy_state boolean not null default false;
alter table services add column revision integer not null default 1;

create index services_deployment on services (deployment_id);

alter table service_handlers add column enable_lazy_state boolean not null default false;
alter table service_handlers add column abort_timeout_ms bigint;
alter table service_handlers add column input_content_type text;
alter table service_handlers add column output_content_type text;
