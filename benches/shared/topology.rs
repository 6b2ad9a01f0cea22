//! The generated topology the benchmarks share: `services` copies of the
//! reference system (about 48 AWS resources each).

use std::fmt::Write as _;

/// A topology of `services` copies of the reference system.
pub(crate) fn topology(services: usize) -> String {
    let mut text = String::from(
        "topology bench {\n  primary us-east-1\n  secondary us-east-2\n  naming \"{service}-{region}-b\"\n  \
         objectives { rto 5m  rpo 15m }\n}\n\nalerts ops { in every region }\n\n",
    );
    for i in 0..services {
        write!(
            text,
            r#"
table t{i} {{
  key id: string
  replicate globally
}}

bucket d{i} {{
  replicate to secondary {{ time_control 15m }}
}}

function f{i} {{
  code "code"
  memory 256MB
  timeout 30s
  env {{ TABLE: t{i}.name, BUCKET: d{i}.name }}
  logs {{ retention 14d }}
  in every region
}}

api a{i} {{
  stage prod
  route POST /payments -> f{i}
  route GET /payments/{{id}} -> f{i}
  route GET /health -> f{i}
  in every region
}}

failover fo{i} {{
  domain "api.s{i}.test.local"
  targets a{i}
  health_check {{ path "/prod/health" }}
}}

alarm e{i} {{
  when f{i}.errors > 5
  notify ops
  in every region
}}

alarm h{i} {{
  when fo{i}.health < 1
  notify ops
}}

alarm tl{i} {{
  when t{i}.replication_latency > 1m
  notify ops
}}

alarm dl{i} {{
  when d{i}.replication_latency > 15m
  notify ops
}}

role op{i} {{
  trust account_root
  allow [route53.change_records] on fo{i}
}}
"#
        )
        .expect("write to string");
    }
    text
}
