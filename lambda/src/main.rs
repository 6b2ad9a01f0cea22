//! The Lambda entry point: API Gateway proxy events in, proxy responses out.

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use payment_processor::{AwsStore, Request, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_from_env().await;
    // Lambda sets AWS_REGION itself; drx sets the table and bucket names.
    let region = std::env::var("AWS_REGION").unwrap_or_default();
    let table = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set")?;
    let bucket = std::env::var("BUCKET_NAME").map_err(|_| "BUCKET_NAME is not set")?;
    let path_style = std::env::var_os("AWS_ENDPOINT_URL").is_some();
    let store = AwsStore::new(&config, path_style, table, bucket);
    lambda_runtime::run(service_fn(|event: LambdaEvent<ApiGatewayProxyRequest>| {
        let (store, region) = (&store, &region);
        async move {
            let proxied = event.payload;
            let request = Request {
                method: proxied.http_method.as_str().to_string(),
                path: proxied.path.unwrap_or_default(),
                headers: proxied
                    .headers
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string()))
                    })
                    .collect(),
                body: proxied.body,
            };
            let answer = handle(&request, store, region).await;
            let mut response = ApiGatewayProxyResponse::default();
            response.status_code = i64::from(answer.status);
            response
                .headers
                .insert("content-type", "application/json".parse().expect("static header"));
            response.body = Some(Body::Text(answer.body.to_string()));
            Ok::<_, Error>(response)
        }
    }))
    .await
}
