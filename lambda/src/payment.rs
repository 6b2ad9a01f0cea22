//! A payment, and validation of what a client sends.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Active ISO 4217 currency codes this processor accepts.
const CURRENCIES: &[&str] = &[
    "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP",
    "HKD", "HUF", "IDR", "ILS", "INR", "ISK", "JPY", "KES", "KRW", "MXN", "MYR", "NGN", "NOK", "NZD", "PEN",
    "PHP", "PKR", "PLN", "QAR", "RON", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR",
];

/// What a client asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPayment {
    /// In minor units (cents): integers, never floats.
    pub amount: u64,
    pub currency: String,
    pub merchant: String,
    pub reference: String,
}

/// A recorded payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub payment_id: String,
    pub amount: u64,
    pub currency: String,
    pub merchant: String,
    pub reference: String,
    /// The region that accepted it.
    pub region: String,
    pub created_at: String,
    #[serde(skip_serializing)]
    pub idempotency_key: String,
    #[serde(skip_serializing)]
    pub request_hash: String,
}

impl Payment {
    pub fn new(
        payment_id: String,
        idempotency_key: &str,
        request_hash: &str,
        new: &NewPayment,
        region: &str,
    ) -> Payment {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        Payment {
            payment_id,
            amount: new.amount,
            currency: new.currency.clone(),
            merchant: new.merchant.clone(),
            reference: new.reference.clone(),
            region: region.to_string(),
            created_at: now.to_string(),
            idempotency_key: idempotency_key.to_string(),
            request_hash: request_hash.to_string(),
        }
    }
}

/// Reads and checks a payment request body; the message says what is wrong.
pub fn validate(body: &str) -> Result<NewPayment, String> {
    let value: Value = serde_json::from_str(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let object = value.as_object().ok_or("the body must be a JSON object")?;
    for key in object.keys() {
        if !matches!(key.as_str(), "amount" | "currency" | "merchant" | "reference") {
            return Err(format!("unknown field `{key}`"));
        }
    }
    let amount = match object.get("amount") {
        Some(Value::Number(number)) => number
            .as_u64()
            .ok_or("`amount` is a whole number of minor units (cents), above 0")?,
        Some(_) => return Err("`amount` is a whole number of minor units (cents), above 0".into()),
        None => return Err("`amount` is required".into()),
    };
    if amount == 0 || amount > 100_000_000_000 {
        return Err("`amount` must be between 1 and 100000000000 minor units".into());
    }
    let text = |field: &str, max: usize| -> Result<String, String> {
        match object.get(field) {
            Some(Value::String(text)) if !text.trim().is_empty() && text.chars().count() <= max => {
                Ok(text.clone())
            }
            Some(Value::String(_)) => Err(format!("`{field}` must be 1 to {max} characters")),
            Some(_) => Err(format!("`{field}` must be a string")),
            None => Err(format!("`{field}` is required")),
        }
    };
    let currency = text("currency", 3)?;
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(format!(
            "`{currency}` is not an ISO 4217 currency this processor accepts"
        ));
    }
    Ok(NewPayment {
        amount,
        currency,
        merchant: text("merchant", 64)?,
        reference: text("reference", 128)?,
    })
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_a_well_formed_payment() {
        let payment =
            validate(r#"{"amount": 1250, "currency": "EUR", "merchant": "m-1", "reference": "order 7"}"#)
                .expect("valid");
        assert_eq!(payment.amount, 1250);
    }

    #[test]
    fn rejects_what_is_not_a_payment() {
        for (body, fragment) in [
            ("not json", "not JSON"),
            ("[]", "JSON object"),
            (
                r#"{"currency":"EUR","merchant":"m","reference":"r"}"#,
                "`amount` is required",
            ),
            (
                r#"{"amount":12.5,"currency":"EUR","merchant":"m","reference":"r"}"#,
                "whole number",
            ),
            (
                r#"{"amount":-5,"currency":"EUR","merchant":"m","reference":"r"}"#,
                "whole number",
            ),
            (
                r#"{"amount":0,"currency":"EUR","merchant":"m","reference":"r"}"#,
                "between 1",
            ),
            (
                r#"{"amount":5,"currency":"XXX","merchant":"m","reference":"r"}"#,
                "ISO 4217",
            ),
            (
                r#"{"amount":5,"currency":"eur","merchant":"m","reference":"r"}"#,
                "ISO 4217",
            ),
            (
                r#"{"amount":5,"currency":"EUR","merchant":"","reference":"r"}"#,
                "`merchant`",
            ),
            (
                r#"{"amount":5,"currency":"EUR","merchant":"m","reference":"r","extra":1}"#,
                "unknown field",
            ),
        ] {
            let error = validate(body).expect_err(body);
            assert!(error.contains(fragment), "{body}: {error}");
        }
    }
}
