//! The lower layer: what every stage shares and none of them owns — regions,
//! the catalog of AWS resource types, template values, the dependency graph,
//! the record of an applied resource, and the provider interface that applies
//! them. It imports no stage; every stage may import it.

pub mod blocks;
pub mod graph;
mod observer;
mod operator;
pub mod provider;
mod region;
pub mod resource_state;
pub mod resources;
mod state_location;
pub mod template;

pub use graph::Graph;
pub use observer::{CheckerReport, Marker, MetricPoint, MetricQuery, Observer};
pub use operator::{Operator, RouteRequest, RouteResponse};
pub use provider::{Applied, ErrorKind, Provider, ProviderError};
pub use region::Region;
pub use resource_state::ResourceState;
pub use state_location::Location;
