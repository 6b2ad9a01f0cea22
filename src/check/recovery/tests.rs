//! Each term of the RTO model and each store kind of the RPO model, on small
//! topologies checked from source.

use std::collections::BTreeMap;

use super::*;
use crate::check::check;
use crate::syntax::parse;

const HEADER: &str =
    "topology demo {\n  primary us-east-1\n  secondary us-east-2\n  OBJECTIVES\n  ASSUMPTIONS\n}\n";

const SERVICE: &str = r#"
function f {
  code "lambda"
  in every region
}

api a {
  stage prod
  route GET /health -> f
  in every region
}
"#;

fn recovery(objectives: &str, assumptions: &str, rest: &str) -> Recovery {
    let text = format!(
        "{}{SERVICE}{rest}",
        HEADER
            .replace("OBJECTIVES", objectives)
            .replace("ASSUMPTIONS", assumptions)
    );
    let file = parse(&text).unwrap_or_else(|error| panic!("{error:?}\n{text}"));
    let checked = check(&file, &BTreeMap::new());
    checked
        .recovery
        .unwrap_or_else(|| panic!("no analysis: {:#?}", checked.problems))
}

fn failover(health_check: &str, extra: &str) -> String {
    format!(
        "failover api {{\n  domain \"api.x.test.local\"\n  targets a\n  health_check {{ path \"/prod/health\" {health_check} }}\n  {extra}\n}}\n"
    )
}

fn term(recovery: &Recovery, name: &str) -> Term {
    recovery.paths[0]
        .terms
        .iter()
        .find(|term| term.name == name)
        .unwrap_or_else(|| panic!("no term {name}"))
        .clone()
}

#[test]
fn detection_is_interval_times_failures() {
    let slow = recovery("", "", &failover("interval 30s failures 3", ""));
    assert_eq!(term(&slow, "detection").seconds, 90);
    let fast = recovery("", "", &failover("interval 10s failures 2", ""));
    assert_eq!(term(&fast, "detection").seconds, 20);
    assert_eq!(term(&fast, "detection").formula, "interval 10 s × failures 2");
    let defaults = recovery("", "", &failover("", ""));
    assert_eq!(
        term(&defaults, "detection").seconds,
        90,
        "defaults are 30 s and 3"
    );
    match term(&defaults, "detection").origin {
        Origin::File { spans, defaults } => {
            assert!(spans.is_empty());
            assert_eq!(defaults, ["interval", "failures"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn check_time_depends_on_the_protocol() {
    assert_eq!(
        term(&recovery("", "", &failover("protocol https", "")), "health check").seconds,
        6
    );
    assert_eq!(
        term(&recovery("", "", &failover("protocol http", "")), "health check").seconds,
        6
    );
    let tcp = term(&recovery("", "", &failover("protocol tcp", "")), "health check");
    assert_eq!(tcp.seconds, 10);
    assert!(matches!(tcp.origin, Origin::Constant { source } if source.contains("Route 53 Developer Guide")));
}

#[test]
fn route53_answer_change_is_an_assumption() {
    let default = term(&recovery("", "", &failover("", "")), "Route 53 answer");
    assert_eq!(default.seconds, 0);
    assert!(matches!(default.origin, Origin::Assumption { span: None, .. }));
    let set = term(
        &recovery("", "assumptions { route53_answer_change 30s }", &failover("", "")),
        "Route 53 answer",
    );
    assert_eq!(set.seconds, 30);
    assert!(matches!(set.origin, Origin::Assumption { span: Some(_), .. }));
}

#[test]
fn dns_caching_is_the_larger_of_ttl_and_client_cache() {
    assert_eq!(
        term(&recovery("", "", &failover("", "ttl 60s")), "DNS caching").seconds,
        60
    );
    assert_eq!(
        term(&recovery("", "", &failover("", "")), "DNS caching").seconds,
        60,
        "default TTL"
    );
    let cached = recovery(
        "",
        "assumptions { client_dns_cache 5m }",
        &failover("", "ttl 60s"),
    );
    assert_eq!(term(&cached, "DNS caching").seconds, 300);
    assert_eq!(
        term(&cached, "DNS caching").formula,
        "max(ttl 60 s, client_dns_cache 300 s)"
    );
}

#[test]
fn warm_up_is_assumed_zero_and_overridable() {
    assert_eq!(
        term(&recovery("", "", &failover("", "")), "standby warm-up").seconds,
        0
    );
    let topology_wide = recovery("", "assumptions { standby_warm_up 2m }", &failover("", ""));
    assert_eq!(term(&topology_wide, "standby warm-up").seconds, 120);
    let own = recovery(
        "",
        "assumptions { standby_warm_up 2m }",
        &failover("", "warm_up 30s"),
    );
    assert_eq!(
        term(&own, "standby warm-up").seconds,
        30,
        "the failover's own value wins"
    );
}

#[test]
fn the_reference_path_takes_156_seconds_and_a_fast_check_96() {
    let reference = recovery(
        "objectives { rto 5m }",
        "",
        &failover("interval 30s failures 3", "ttl 60s"),
    );
    assert_eq!(reference.paths[0].worst_case, 156);
    assert_eq!(reference.paths[0].verdict, Verdict::Holds { spare: 144 });
    let fast = recovery(
        "objectives { rto 5m }",
        "",
        &failover("interval 10s failures 3", "ttl 60s"),
    );
    assert_eq!(fast.paths[0].worst_case, 96);
}

#[test]
fn a_long_ttl_breaks_the_rto() {
    let slow = recovery("objectives { rto 5m }", "", &failover("", "ttl 600s"));
    assert_eq!(slow.paths[0].worst_case, 696);
    assert_eq!(slow.paths[0].verdict, Verdict::Violated { excess: 396 });
}

#[test]
fn a_failover_objective_overrides_the_topology() {
    let own = recovery("objectives { rto 1m }", "", &failover("", "rto 3m"));
    let objective = own.paths[0].objective.as_ref().expect("objective");
    assert_eq!(objective.seconds, 180);
    assert_eq!(objective.declared_by, "failover api");
}

fn store(recovery: &Recovery, name: &str) -> StoreRpo {
    recovery
        .stores
        .iter()
        .find(|store| store.store == name)
        .unwrap_or_else(|| panic!("no store {name}"))
        .clone()
}

#[test]
fn eventual_global_tables_are_typically_one_second_without_a_bound() {
    let r = recovery(
        "objectives { rpo 1m }",
        "",
        "table orders { key id: string  replicate globally }",
    );
    let table = store(&r, "orders");
    assert_eq!(table.bound, RpoBound::Typical { seconds: 1 });
    assert_eq!(table.verdict, Verdict::HoldsTypically { spare: 59 });
}

#[test]
fn strong_global_tables_lose_nothing() {
    let text = "table orders { key id: string  replicate to [secondary, us-west-2] { consistency strong } }";
    let r = recovery("objectives { rpo 1s }", "", text);
    let table = store(&r, "orders");
    assert_eq!(
        table.bound,
        RpoBound::Bounded {
            seconds: 0,
            percentile: None
        }
    );
    assert_eq!(table.verdict, Verdict::Holds { spare: 1 });
}

#[test]
fn rtc_bounds_buckets_at_fifteen_minutes() {
    let text = "bucket b { replicate to secondary { time_control 15m } }";
    let strict = store(&recovery("objectives { rpo 1m }", "", text), "b");
    assert_eq!(
        strict.bound,
        RpoBound::Bounded {
            seconds: 900,
            percentile: Some("99.99 %")
        }
    );
    assert_eq!(strict.verdict, Verdict::Violated { excess: 840 });
    let own = store(
        &recovery(
            "objectives { rpo 1m }",
            "",
            "bucket b { replicate to secondary { time_control 15m }  rpo 15m }",
        ),
        "b",
    );
    assert_eq!(own.verdict, Verdict::Holds { spare: 0 });
    assert_eq!(own.objective.expect("objective").declared_by, "bucket b");
}

#[test]
fn buckets_without_rtc_have_no_bound() {
    let b = store(
        &recovery("objectives { rpo 1h }", "", "bucket b { replicate to secondary }"),
        "b",
    );
    assert_eq!(b.bound, RpoBound::Unbounded);
    assert_eq!(b.verdict, Verdict::Unbounded);
    let without_objective = store(&recovery("", "", "bucket b { replicate to secondary }"), "b");
    assert_eq!(without_objective.verdict, Verdict::NoObjective);
}

#[test]
fn summaries_report_the_worst_component_of_each_objective() {
    let text = "table orders { key id: string  replicate globally }\nbucket b { replicate to secondary { time_control 15m } }";
    let r = recovery("objectives { rpo 1m }", "", text);
    let summaries = r.objectives();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].component, "bucket b");
    assert_eq!(summaries[0].verdict, Verdict::Violated { excess: 840 });
}

#[test]
fn human_durations() {
    assert_eq!(human(156), "156 s");
    assert_eq!(human(60), "1 min");
    assert_eq!(human(900), "15 min");
    assert_eq!(human(7200), "2 h");
    assert_eq!(human(90), "90 s");
}

#[test]
fn a_path_from_us_east_1_warns_that_failing_over_by_hand_needs_its_control_plane() {
    let from_east = recovery("", "", &failover("", ""));
    let path = &from_east.paths[0];
    let planes: Vec<(&str, bool)> = path
        .mechanisms
        .iter()
        .map(|m| (m.name.as_str(), matches!(m.plane, stability::Plane::Data { .. })))
        .collect();
    assert_eq!(
        planes,
        [
            ("health-check failover", true),
            ("standby serves", true),
            ("drx failover / failback", false)
        ]
    );
    assert_eq!(path.stability_warnings.len(), 1, "{:?}", path.stability_warnings);
    assert!(path.stability_warnings[0].contains("control plane in us-east-1"));

    // From another region, Route 53's control plane is not the one lost.
    let text = failover("", "").replace("us-east-1", "us-west-2");
    let elsewhere = {
        let source =
            format!("topology demo {{\n  primary us-west-2\n  secondary us-east-2\n}}\n{SERVICE}{text}");
        let file = parse(&source).expect("parses");
        check(&file, &BTreeMap::new()).recovery.expect("analysis")
    };
    assert!(
        elsewhere.paths[0].stability_warnings.is_empty(),
        "{:?}",
        elsewhere.paths[0].stability_warnings
    );
}
