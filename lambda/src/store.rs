//! Where payments live: the region's replica of the global table, and a
//! receipt per payment in the region's bucket.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::payment::Payment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// A conditional write found the payment there already.
    AlreadyExists,
    /// The table or bucket did not answer.
    Unavailable(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::AlreadyExists => f.write_str("the payment exists already"),
            StoreError::Unavailable(message) => f.write_str(message),
        }
    }
}

type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

pub trait Store: Sync {
    /// A cheap read, to tell whether this region can serve.
    fn ping(&self) -> Answer<'_, ()>;
    /// Writes a payment unless one with its id exists.
    fn put_new<'a>(&'a self, payment: &'a Payment) -> Answer<'a, ()>;
    fn get<'a>(&'a self, id: &'a str) -> Answer<'a, Option<Payment>>;
    fn put_receipt<'a>(&'a self, payment: &'a Payment) -> Answer<'a, ()>;
}

/// The store in AWS: `TABLE_NAME` and `BUCKET_NAME` as drx sets them.
#[derive(Debug, Clone)]
pub struct AwsStore {
    dynamodb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    table: String,
    bucket: String,
}

fn unavailable(error: impl std::error::Error) -> StoreError {
    StoreError::Unavailable(aws_sdk_dynamodb::error::DisplayErrorContext(&error).to_string())
}

impl AwsStore {
    pub fn new(
        config: &aws_config::SdkConfig,
        s3_path_style: bool,
        table: String,
        bucket: String,
    ) -> AwsStore {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(s3_path_style)
            .build();
        AwsStore {
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            table,
            bucket,
        }
    }
}

fn item(payment: &Payment) -> HashMap<String, AttributeValue> {
    let s = |text: &str| AttributeValue::S(text.to_string());
    HashMap::from([
        ("paymentId".to_string(), s(&payment.payment_id)),
        (
            "amount".to_string(),
            AttributeValue::N(payment.amount.to_string()),
        ),
        ("currency".to_string(), s(&payment.currency)),
        ("merchant".to_string(), s(&payment.merchant)),
        ("reference".to_string(), s(&payment.reference)),
        ("region".to_string(), s(&payment.region)),
        ("createdAt".to_string(), s(&payment.created_at)),
        ("idempotencyKey".to_string(), s(&payment.idempotency_key)),
        ("requestHash".to_string(), s(&payment.request_hash)),
    ])
}

fn payment(item: &HashMap<String, AttributeValue>) -> Option<Payment> {
    let s = |key: &str| item.get(key).and_then(|v| v.as_s().ok()).cloned();
    Some(Payment {
        payment_id: s("paymentId")?,
        amount: item
            .get("amount")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())?,
        currency: s("currency")?,
        merchant: s("merchant")?,
        reference: s("reference")?,
        region: s("region")?,
        created_at: s("createdAt")?,
        idempotency_key: s("idempotencyKey").unwrap_or_default(),
        request_hash: s("requestHash").unwrap_or_default(),
    })
}

impl Store for AwsStore {
    fn ping(&self) -> Answer<'_, ()> {
        Box::pin(async move {
            self.dynamodb
                .get_item()
                .table_name(&self.table)
                .key("paymentId", AttributeValue::S("health-check".into()))
                .send()
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }

    fn put_new<'a>(&'a self, payment: &'a Payment) -> Answer<'a, ()> {
        Box::pin(async move {
            let result = self
                .dynamodb
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item(payment)))
                .condition_expression("attribute_not_exists(paymentId)")
                .send()
                .await;
            match result {
                Ok(_) => Ok(()),
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    Err(StoreError::AlreadyExists)
                }
                Err(error) => Err(unavailable(error)),
            }
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> Answer<'a, Option<Payment>> {
        Box::pin(async move {
            let found = self
                .dynamodb
                .get_item()
                .table_name(&self.table)
                .key("paymentId", AttributeValue::S(id.to_string()))
                .consistent_read(true)
                .send()
                .await
                .map_err(unavailable)?;
            Ok(found.item().and_then(payment))
        })
    }

    fn put_receipt<'a>(&'a self, payment: &'a Payment) -> Answer<'a, ()> {
        Box::pin(async move {
            let body = serde_json::to_vec(payment).unwrap_or_default();
            self.s3
                .put_object()
                .bucket(&self.bucket)
                .key(format!("receipts/{}.json", payment.payment_id))
                .content_type("application/json")
                .body(body.into())
                .send()
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }
}
