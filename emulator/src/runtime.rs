//! A function's code, running: its deployment package unpacked, its
//! `bootstrap` started as a process, and the Lambda Runtime API served to it
//! on a port of its own (`AWS_LAMBDA_RUNTIME_API`), as the AWS Lambda
//! Developer Guide's "Using the Lambda runtime API for custom runtimes"
//! describes: the runtime asks `GET /2018-06-01/runtime/invocation/next` for
//! an event and posts its answer to `/invocation/{id}/response` (or
//! `/error`). The process gets the function's environment, its region, and
//! credentials and an endpoint that lead back to the emulator. One event at
//! a time; the instance is kept warm for the next; a timeout kills it, as
//! Lambda does. What the process prints, and Lambda's own START, END and
//! REPORT lines for each invocation, go to the function's log group
//! (`/aws/lambda/NAME`), in a stream of this instance.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::{mpsc, oneshot};

use crate::functions::Function;
use crate::upstream::Upstream;

/// What the function answered.
#[derive(Debug)]
pub(crate) enum Answer {
    Response(Bytes),
    /// The runtime reported an error (its body, Lambda's error document).
    Error(Bytes),
}

#[derive(Debug)]
struct Invocation {
    id: String,
    event: Bytes,
    deadline_ms: u128,
    function_arn: String,
    answer: oneshot::Sender<Answer>,
}

#[derive(Debug)]
struct Served {
    next: tokio::sync::Mutex<mpsc::UnboundedReceiver<Invocation>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Answer>>>,
}

#[derive(Debug)]
pub(crate) struct Instance {
    function_arn: String,
    memory: u64,
    /// Lines for the function's log group.
    logs: mpsc::UnboundedSender<String>,
    child: Mutex<Option<std::process::Child>>,
    invocations: mpsc::UnboundedSender<Invocation>,
    server: tokio::task::JoinHandle<()>,
    dir: PathBuf,
    /// One event at a time, as one Lambda execution environment takes.
    turn: tokio::sync::Mutex<()>,
}

fn unpack(zip: &[u8], dir: &std::path::Path) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip))
        .map_err(|e| format!("the package is not a zip: {e}"))?;
    archive
        .extract(dir)
        .map_err(|e| format!("cannot unpack the package: {e}"))?;
    let bootstrap = dir.join("bootstrap");
    if !bootstrap.exists() {
        return Err("the package has no bootstrap (a custom runtime's entry point)".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bootstrap, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make bootstrap executable: {e}"))?;
    }
    Ok(())
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
}

async fn serve(served: Arc<Served>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let body = request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (&method, parts.as_slice()) {
        (&Method::GET, ["2018-06-01", "runtime", "invocation", "next"]) => {
            let next = served.next.lock().await.recv().await;
            let Some(invocation) = next else {
                return reply(StatusCode::GONE, Bytes::new());
            };
            served
                .in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(invocation.id.clone(), invocation.answer);
            let mut response = reply(StatusCode::OK, invocation.event);
            let headers = response.headers_mut();
            let mut set = |name: &'static str, value: String| {
                if let Ok(value) = value.parse() {
                    headers.insert(name, value);
                }
            };
            set("lambda-runtime-aws-request-id", invocation.id);
            set("lambda-runtime-deadline-ms", invocation.deadline_ms.to_string());
            set("lambda-runtime-invoked-function-arn", invocation.function_arn);
            set(
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000".into(),
            );
            set("content-type", "application/json".into());
            response
        }
        (
            &Method::POST,
            [
                "2018-06-01",
                "runtime",
                "invocation",
                id,
                outcome @ ("response" | "error"),
            ],
        ) => {
            let answer = served
                .in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(*id);
            match answer {
                Some(answer) => {
                    let _ = answer.send(if *outcome == "response" {
                        Answer::Response(body)
                    } else {
                        Answer::Error(body)
                    });
                    reply(StatusCode::ACCEPTED, Bytes::from_static(br#"{"status":"OK"}"#))
                }
                None => reply(
                    StatusCode::BAD_REQUEST,
                    Bytes::from_static(
                        br#"{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}"#,
                    ),
                ),
            }
        }
        (&Method::POST, ["2018-06-01", "runtime", "init", "error"]) => {
            eprintln!("function init error: {}", String::from_utf8_lossy(&body));
            reply(StatusCode::ACCEPTED, Bytes::from_static(br#"{"status":"OK"}"#))
        }
        _ => reply(StatusCode::NOT_FOUND, Bytes::new()),
    }
}

impl Instance {
    /// Unpacks `function`'s code, serves it the runtime API and starts it;
    /// `endpoint` is the emulator's own address, for the code's AWS calls.
    pub(crate) fn start(function: &Function, endpoint: &str, upstream: Upstream) -> Result<Instance, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("drx-emulator-{}-{nanos}", function.name));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        unpack(&function.zip, &dir)?;

        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        let (invocations, next) = mpsc::unbounded_channel();
        let served = Arc::new(Served {
            next: tokio::sync::Mutex::new(next),
            in_flight: Mutex::new(HashMap::new()),
        });
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let served = served.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let served = served.clone();
                        async move { Ok::<_, std::convert::Infallible>(serve(served, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });

        let mut command = std::process::Command::new(dir.join("bootstrap"));
        command
            .current_dir(&dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(&function.environment)
            .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", &function.name)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", function.memory.to_string())
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{}", function.name),
            )
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "emulator")
            .env("AWS_REGION", &function.region)
            .env("AWS_DEFAULT_REGION", &function.region)
            .env("AWS_ACCESS_KEY_ID", &function.access_key)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_ENDPOINT_URL", endpoint)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().map_err(|e| {
            server.abort();
            format!("cannot start bootstrap: {e}")
        })?;
        let (logs, lines) = mpsc::unbounded_channel();
        let outputs: [Option<Box<dyn std::io::Read + Send>>; 2] = [
            child
                .stdout
                .take()
                .map(|o| Box::new(o) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|o| Box::new(o) as Box<dyn std::io::Read + Send>),
        ];
        for output in outputs.into_iter().flatten() {
            let logs = logs.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(output).lines().map_while(Result::ok) {
                    if logs.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        // Detached: it ends once the process and the instance are gone and
        // what they printed is shipped.
        tokio::spawn(ship(upstream, function.clone(), nanos, lines));
        Ok(Instance {
            function_arn: format!(
                "arn:aws:lambda:{}:123456789012:function:{}",
                function.region, function.name
            ),
            memory: function.memory,
            logs,
            child: Mutex::new(Some(child)),
            invocations,
            server,
            dir,
            turn: tokio::sync::Mutex::new(()),
        })
    }

    /// Hands `event` to the function and waits up to `timeout` for its answer.
    pub(crate) async fn invoke(&self, event: Bytes, timeout: Duration) -> Result<Answer, String> {
        let _turn = self.turn.lock().await;
        let (answer, answered) = oneshot::channel();
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| (d + timeout).as_millis())
            .unwrap_or(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let id = format!("{nanos:032x}");
        let started = std::time::Instant::now();
        let _ = self.logs.send(format!("START RequestId: {id} Version: $LATEST"));
        let answer = self
            .run(id.clone(), event, deadline, answer, answered, timeout)
            .await;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        let _ = self.logs.send(format!("END RequestId: {id}"));
        let _ = self.logs.send(format!(
            "REPORT RequestId: {id}\tDuration: {took:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB",
            took.ceil(),
            self.memory
        ));
        answer
    }

    async fn run(
        &self,
        id: String,
        event: Bytes,
        deadline: u128,
        answer: oneshot::Sender<Answer>,
        answered: oneshot::Receiver<Answer>,
        timeout: Duration,
    ) -> Result<Answer, String> {
        self.invocations
            .send(Invocation {
                id,
                event,
                deadline_ms: deadline,
                function_arn: self.function_arn.clone(),
                answer,
            })
            .map_err(|_| "the function's runtime is gone".to_string())?;
        match tokio::time::timeout(timeout, answered).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => Err("the function's runtime went away".into()),
            Err(_) => Err(format!(
                "Task timed out after {:.2} seconds",
                timeout.as_secs_f64()
            )),
        }
    }

    pub(crate) fn alive(&self) -> bool {
        self.child
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    pub(crate) fn stop(&self) {
        if let Some(mut child) = self.child.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends the instance's lines to its log group, a batch at a time: a stream
/// of its own (`YYYY/MM/DD/[$LATEST]ID`, as Lambda names them), made first.
async fn ship(
    upstream: Upstream,
    function: Function,
    started: u128,
    mut lines: mpsc::UnboundedReceiver<String>,
) {
    let group = format!("/aws/lambda/{}", function.name);
    let days = (started / 1_000_000_000 / 86_400) as i64;
    let stream = format!("{}/[$LATEST]{started:032x}", civil(days));
    let call = |target: &'static str, body: serde_json::Value| {
        let (upstream, key, region) = (
            upstream.clone(),
            function.access_key.clone(),
            function.region.clone(),
        );
        async move {
            let _ = upstream
                .json(
                    &key,
                    &region,
                    "logs",
                    &format!("Logs_20140328.{target}"),
                    "1.1",
                    &body,
                )
                .await;
        }
    };
    call(
        "CreateLogStream",
        serde_json::json!({ "logGroupName": group, "logStreamName": stream }),
    )
    .await;
    while let Some(first) = lines.recv().await {
        let mut batch = vec![first];
        while let Ok(line) = lines.try_recv() {
            batch.push(line);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let events: Vec<serde_json::Value> = batch
            .into_iter()
            .map(|message| serde_json::json!({ "timestamp": now, "message": message }))
            .collect();
        call(
            "PutLogEvents",
            serde_json::json!({ "logGroupName": group, "logStreamName": stream, "logEvents": events }),
        )
        .await;
    }
}

/// `YYYY/MM/DD` of a day counted from 1970-01-01 (Howard Hinnant's
/// civil-from-days).
pub(crate) fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}/{month:02}/{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_dates() {
        assert_eq!(super::civil(0), "1970/01/01");
        assert_eq!(super::civil(20_454), "2026/01/01");
        assert_eq!(super::civil(19_782), "2024/02/29");
    }
}
