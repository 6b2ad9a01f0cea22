//! `drx-emulator --listen 127.0.0.1:PORT --upstream http://127.0.0.1:MOTO`
//!
//! A proxy in front of moto that adds the AWS behaviours drx depends on and
//! moto lacks — DynamoDB global tables, S3 replication — plus what tests need
//! of a cloud: injected faults and latency, and a count of requests. See
//! docs/emulator.md for why this is a proxy rather than a patch of moto.

mod apigateway;
mod bucket_policy;
mod conditional;
mod control;
mod counter;
mod dynamodb;
mod execute_api;
mod faults;
mod functions;
mod health_checks;
mod invoke;
mod metrics;
mod pauses;
mod proxy;
mod request_info;
mod runtime;
mod s3;
mod s3_regions;
mod sigv4;
mod upstream;
mod xml;

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() {
    let mut listen: Option<SocketAddr> = None;
    let mut upstream: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().and_then(|a| a.parse().ok()),
            "--upstream" => upstream = args.next(),
            _ => {
                eprintln!("usage: drx-emulator --listen 127.0.0.1:PORT --upstream http://127.0.0.1:PORT");
                std::process::exit(2);
            }
        }
    }
    let (Some(listen), Some(upstream)) = (listen, upstream) else {
        eprintln!("usage: drx-emulator --listen 127.0.0.1:PORT --upstream http://127.0.0.1:PORT");
        std::process::exit(2);
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {listen}: {error}");
            std::process::exit(1);
        }
    };
    let state = Arc::new(proxy::Proxy::new(upstream, format!("http://{listen}")));
    eprintln!("drx-emulator listening on {listen}");
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                eprintln!("accept failed: {error}");
                continue;
            }
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                // Each request runs as a task of its own: a client that
                // hangs up (a drx killed mid-call, a timeout) drops only its
                // wait for the answer, while the work goes on to its end, as
                // it does in AWS. Handled inline, the dropped connection
                // would cancel it between two steps — a replica's table made
                // in moto, the global table never told — leaving what no
                // AWS region ever shows.
                let work = tokio::spawn(state.clone().handle(request));
                async move {
                    Ok::<_, std::convert::Infallible>(
                        work.await
                            .unwrap_or_else(|_| proxy::plain(500, "the emulator's handler failed")),
                    )
                }
            });
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                // Clients closing idle connections is routine.
                if !error.is_incomplete_message() {
                    eprintln!("connection error: {error}");
                }
            }
        });
    }
}
