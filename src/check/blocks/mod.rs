//! One checker per block kind: each reads its block's statements into the
//! typed resource, validating AWS constraints on the way.

mod alarm;
mod alerts;
mod api;
mod bucket;
mod failover;
mod function;
mod output;
mod role;
mod table;
mod topology;
