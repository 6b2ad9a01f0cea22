//! SDK clients against the emulator, for tests that talk to "AWS".
//!
//! Each test gets its own access key (so its injected faults and request
//! counts are its own) and a unique prefix for resource names (so tests run
//! in parallel). The emulator must be running: `scripts/test` starts it and
//! exports `AWS_ENDPOINT_URL`.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Aws {
    endpoint: String,
    pub access_key: String,
    prefix: String,
}

fn unique() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mixed =
        (nanos as u64) ^ (u64::from(std::process::id()) << 32) ^ COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:012x}", mixed & 0xffff_ffff_ffff)
}

impl Aws {
    /// The emulator, for the test called `test`.
    pub fn new(test: &str) -> Aws {
        let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| {
            panic!("AWS_ENDPOINT_URL is not set: run the tests with scripts/test, which starts the emulator")
        });
        let id = unique();
        Aws {
            endpoint,
            access_key: format!("AKIA{}", id.to_uppercase()),
            prefix: format!("{}-{id}", test.replace('_', "-")),
        }
    }

    /// A name no other test uses: `<test>-<id>-<what>`.
    pub fn name(&self, what: &str) -> String {
        format!("{}-{what}", self.prefix)
    }

    pub async fn config(&self, region: &str) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_config::Region::new(region.to_string()))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                &self.access_key,
                "testing",
                None,
                None,
                "drx-tests",
            ))
            .load()
            .await
    }

    pub async fn dynamodb(&self, region: &str) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.config(region).await)
    }

    pub async fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.config(region).await)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// A bucket named `name` that keeps versions, made and set up through
    /// its own region (S3 redirects a request sent to another); its name.
    pub async fn versioned_bucket(&self, name: &str, region: &str) -> String {
        let s3 = self.s3(region).await;
        let mut create = s3.create_bucket().bucket(name);
        // us-east-1 is the one region with no location constraint.
        if region != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        create.send().await.expect("create bucket");
        s3.put_bucket_versioning()
            .bucket(name)
            .versioning_configuration(
                aws_sdk_s3::types::VersioningConfiguration::builder()
                    .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .expect("versioning");
        name.to_string()
    }

    pub async fn cloudwatch(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.config(region).await)
    }

    /// Each one-minute datapoint of a metric in `region` over the last ten
    /// minutes, as (`Maximum`, `Minimum`).
    pub async fn metric(
        &self,
        region: &str,
        namespace: &str,
        name: &str,
        dimensions: &[(&str, &str)],
    ) -> Vec<(f64, f64)> {
        let now = std::time::SystemTime::now();
        let dimensions = dimensions
            .iter()
            .map(|(n, v)| {
                aws_sdk_cloudwatch::types::Dimension::builder()
                    .name(*n)
                    .value(*v)
                    .build()
            })
            .collect();
        self.cloudwatch(region)
            .await
            .get_metric_statistics()
            .namespace(namespace)
            .metric_name(name)
            .set_dimensions(Some(dimensions))
            .start_time((now - std::time::Duration::from_secs(600)).into())
            .end_time((now + std::time::Duration::from_secs(60)).into())
            .period(60)
            .statistics(aws_sdk_cloudwatch::types::Statistic::Maximum)
            .statistics(aws_sdk_cloudwatch::types::Statistic::Minimum)
            .send()
            .await
            .expect("statistics")
            .datapoints()
            .iter()
            .map(|p| (p.maximum().unwrap_or(-1.0), p.minimum().unwrap_or(-1.0)))
            .collect()
    }

    /// One request to the emulator's control API.
    pub fn control(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let address = self.endpoint.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(address).expect("connect to the emulator");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        assert!(head.starts_with("HTTP/1.1 200"), "control {path}: {head}\n{body}");
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
    }

    /// Pauses `service` replication (`s3`, `dynamodb`) from `from` to `to`
    /// for this test's own writes, until `resume`.
    pub fn pause(&self, service: &str, from: &str, to: &str) {
        let pause =
            serde_json::json!({ "service": service, "from": from, "to": to, "access_key": self.access_key });
        self.control("POST", "/__drx/pause", &pause.to_string());
    }

    /// Lets this test's paused replication deliver its backlog.
    pub fn resume(&self) {
        self.control(
            "DELETE",
            &format!("/__drx/pause?access_key={}", self.access_key),
            "",
        );
    }

    /// Runs Route 53's intervals and the replication delays at `scale` for
    /// this test's requests only.
    pub fn time_scale(&self, scale: f64) {
        self.control(
            "POST",
            &format!("/__drx/settings?access_key={}", self.access_key),
            &format!(r#"{{"time_scale": {scale}}}"#),
        );
    }

    /// Injects faults into this test's own requests (see docs/emulator.md).
    pub fn inject(&self, mut rule: serde_json::Value) {
        rule["access_key"] = serde_json::json!(self.access_key);
        self.control("POST", "/__drx/faults", &rule.to_string());
    }

    pub fn clear_faults(&self) {
        self.control(
            "DELETE",
            &format!("/__drx/faults?access_key={}", self.access_key),
            "",
        );
    }

    /// This test's requests so far, by operation.
    pub fn requests(&self) -> serde_json::Value {
        self.control(
            "GET",
            &format!("/__drx/requests?access_key={}", self.access_key),
            "",
        )
    }
}

impl Drop for Aws {
    fn drop(&mut self) {
        // A failing test must not leave its faults behind for the next one.
        if std::thread::panicking() {
            return;
        }
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.clear_faults()));
    }
}

/// Polls `check` until it returns `Some`, for at most `seconds`.
pub async fn eventually<T, F, Fut>(seconds: u64, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
