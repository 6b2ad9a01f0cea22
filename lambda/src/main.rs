//! The payment processor's Lambda entry point: a minimal client of the
//! Lambda Runtime API (no dependencies), answering API Gateway proxy events.
//!
//! This first version serves `GET /health` and answers every other route with
//! 501; the payment routes come with the function's own issue.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

fn main() {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").unwrap_or_else(|_| {
        eprintln!("AWS_LAMBDA_RUNTIME_API is not set: this binary runs inside AWS Lambda");
        std::process::exit(2);
    });
    let region = std::env::var("AWS_REGION").unwrap_or_default();
    loop {
        let (request_id, event) = match request(&api, "GET", "/2018-06-01/runtime/invocation/next", None) {
            Ok(Response { headers, body, .. }) => (header(&headers, "lambda-runtime-aws-request-id"), body),
            Err(error) => {
                eprintln!("cannot fetch the next invocation: {error}");
                std::process::exit(1);
            }
        };
        let reply = handle(&event, &region);
        let path = format!("/2018-06-01/runtime/invocation/{request_id}/response");
        if let Err(error) = request(&api, "POST", &path, Some(&reply)) {
            eprintln!("cannot post the response of {request_id}: {error}");
        }
    }
}

/// An API Gateway proxy event in, a proxy response out.
fn handle(event: &str, region: &str) -> String {
    let method = json_field(event, "httpMethod").unwrap_or_default();
    let path = json_field(event, "path").unwrap_or_default();
    let (status, body) = match (method.as_str(), path.as_str()) {
        ("GET", "/health") => (200, format!(r#"{{"status":"ok","region":"{region}"}}"#)),
        _ => (
            501,
            format!(r#"{{"error":"not implemented","region":"{region}"}}"#),
        ),
    };
    format!(
        r#"{{"statusCode":{status},"headers":{{"content-type":"application/json"}},"body":{}}}"#,
        json_string(&body)
    )
}

/// The string value of a top-level `"key": "value"` in a JSON object.
fn json_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = json[start..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn json_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

struct Response {
    headers: Vec<(String, String)>,
    body: String,
}

fn header(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// One HTTP/1.1 request to the runtime API on its loopback address.
fn request(host: &str, method: &str, path: &str, body: Option<&str>) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(host)?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut body = String::new();
    reader.read_to_string(&mut body)?;
    Ok(Response { headers, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_answers_200_with_the_region() {
        let reply = handle(r#"{"httpMethod": "GET", "path": "/health"}"#, "us-east-2");
        assert!(reply.starts_with(r#"{"statusCode":200"#), "{reply}");
        assert!(reply.contains(r#"\"region\":\"us-east-2\""#), "{reply}");
    }

    #[test]
    fn other_routes_are_not_implemented_yet() {
        let reply = handle(r#"{"httpMethod":"POST","path":"/payments"}"#, "us-east-1");
        assert!(reply.starts_with(r#"{"statusCode":501"#), "{reply}");
    }
}
