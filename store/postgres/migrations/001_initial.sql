-- Schema 1 of onboard's team database. Names are keyed by tenant.NameKey
-- (computed by onboard, the same key the bbolt store uses), in the "C"
-- collation so the order is the bytes' order on every server.

create table customers (
    key        text collate "C" primary key,
    name       text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table services (
    key           text collate "C" primary key,
    name          text not null,
    -- "the customer exists" and "a customer with services cannot be
    -- deleted" hold here, whoever writes.
    customer_key  text collate "C" not null references customers (key) on update cascade on delete restrict,
    full_name     text not null default '',
    license       text not null,
    users         integer not null check (users between 1 and 500),
    m365_domain   text not null default '',
    state         text not null,
    tenant_id     text not null default '',
    client_id     text not null default '',
    admin_user    text not null default '',
    manual_expiry timestamptz,
    -- The client secret, sealed on the engineer's machine (store/seal):
    -- the server only ever holds ciphertext. key_id is the ID of the key
    -- that sealed it.
    sealed_secret bytea,
    key_id        text,
    secret_hint   text not null default '',
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    updated_by    text not null default '',
    -- Every edit, secret replacement or delete names the version it was
    -- made on; a newer stored one refuses it.
    version       bigint not null check (version > 0),
    -- The last validation (a row of history) and the facts lists show.
    last_report   bigint,
    last_status   text not null default '',
    last_at       timestamptz,
    tenant_name   text not null default '',
    app_name      text not null default '',
    expires_at    timestamptz,
    expiry_typed  boolean not null default false
);

create index services_customer on services (customer_key);
create index services_key_id on services (key_id) where key_id is not null;

create table history (
    id          bigserial primary key,
    service_key text collate "C" not null references services (key) on update cascade on delete cascade,
    at          timestamptz not null,
    -- tenant.ValidationReport as JSON (never a secret: its hint only).
    report      json not null
);

create index history_service on history (service_key, at desc, id desc);

create table audit (
    id          bigserial primary key,
    at          timestamptz not null,
    engineer    text not null default '',
    host        text not null default '',
    action      text not null,
    customer    text not null default '',
    service     text not null default '',
    service_key text collate "C" not null default '',
    detail      text not null default ''
);

create index audit_at on audit (at desc, id desc);
create index audit_service on audit (service_key, at desc, id desc);

-- The IDs of the keys the stored secrets are sealed with: a key none of
-- them matches is refused at open.
create table sealing_keys (
    id    text primary key,
    since timestamptz not null default now()
);

-- The change feed: every committed write to a customer, a service or a
-- history notifies 'onboard:<schema>' with the names it touched.
create function onboard_changed() returns trigger
language plpgsql
set search_path from current
as $$
declare
    payload json;
begin
    if TG_TABLE_NAME = 'customers' then
        payload := json_build_object('customer', case when TG_OP = 'DELETE' then OLD.name else NEW.name end);
    elsif TG_TABLE_NAME = 'services' then
        if TG_OP = 'DELETE' then
            payload := json_build_object('service', OLD.name, 'customer', (select name from customers where key = OLD.customer_key));
        else
            payload := json_build_object('service', NEW.name, 'customer', (select name from customers where key = NEW.customer_key));
        end if;
    else
        payload := json_build_object('service', (select name from services where key = NEW.service_key));
    end if;
    perform pg_notify('onboard:' || TG_TABLE_SCHEMA, payload::text);
    return null;
end
$$;

create trigger customers_changed after insert or update or delete on customers
    for each row execute function onboard_changed();
create trigger services_changed after insert or update or delete on services
    for each row execute function onboard_changed();
create trigger history_changed after insert on history
    for each row execute function onboard_changed();
