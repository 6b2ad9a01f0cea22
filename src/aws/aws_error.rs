//! AWS errors, classified by what apply should do about them.

use crate::model::{ErrorKind, ProviderError};

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

const TRANSIENT: &[&str] = &[
    "InternalError",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalServerErrorException",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// What to do about an error with this code, message and HTTP status.
fn classify(code: Option<&str>, message: &str, status: Option<u16>) -> ErrorKind {
    match code {
        Some(code) if THROTTLING.contains(&code) => ErrorKind::Throttling,
        Some(code) if TRANSIENT.contains(&code) => ErrorKind::Transient,
        // IAM is eventually consistent: a new role is not assumable at once.
        Some("InvalidParameterValueException") if message.contains("cannot be assumed") => ErrorKind::NotYet,
        // Lambda refuses changes while the last one is in progress.
        Some("ResourceConflictException") if message.contains("in progress") => ErrorKind::NotYet,
        // DynamoDB takes one change to a table at a time (a replica being
        // added, the table still CREATING); a create of a table that exists
        // says so too, and that create checks the code before any retry.
        Some("ResourceInUseException") => ErrorKind::NotYet,
        // API Gateway and Route 53 refuse changes while others are pending.
        Some("ConflictException") | Some("ConcurrentModification") => ErrorKind::NotYet,
        Some(_) => ErrorKind::Other,
        // No code, but an answer: its status says what it was.
        None => match status {
            Some(429) => ErrorKind::Throttling,
            // An endpoint that does not know the call (an HTML 404, say) will
            // not learn it by being asked again.
            Some(status) if status < 500 => ErrorKind::Other,
            // A 5xx, or no answer at all (dispatch, timeout, I/O).
            _ => ErrorKind::Transient,
        },
    }
}

/// An answer that may be "there is none": `None` for the error `absent`
/// (S3's `NoSuchBucketPolicy`, say), the error for any other.
pub(crate) fn unless_absent<T, E>(
    result: Result<T, aws_sdk_sts::error::SdkError<E, aws_sdk_sts::config::http::HttpResponse>>,
    absent: &str,
) -> Result<Option<T>, ProviderError>
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    match result.map_err(sdk_error) {
        Ok(found) => Ok(Some(found)),
        Err(error) if error.code.as_deref() == Some(absent) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Classifies any SDK error by its code, its message and, when AWS sent no
/// code, the HTTP status.
pub(crate) fn sdk_error<E>(
    error: aws_sdk_sts::error::SdkError<E, aws_sdk_sts::config::http::HttpResponse>,
) -> ProviderError
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_sts::error::ProvideErrorMetadata;
    let code = error.code().map(str::to_string);
    let status = error.raw_response().map(|response| response.status().as_u16());
    let message = error
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| aws_sdk_sts::error::DisplayErrorContext(&error).to_string());
    ProviderError {
        kind: classify(code.as_deref(), &message, status),
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::{ErrorKind, classify};

    #[test]
    fn errors_are_classified_by_code_then_status() {
        assert_eq!(
            classify(Some("ThrottlingException"), "", Some(400)),
            ErrorKind::Throttling
        );
        // "Not found" is said per resource type (`Operations::NOT_FOUND`).
        assert_eq!(classify(Some("NoSuchEntity"), "", Some(404)), ErrorKind::Other);
        assert_eq!(
            classify(
                Some("InvalidParameterValueException"),
                "The role defined for the function cannot be assumed by Lambda.",
                Some(400)
            ),
            ErrorKind::NotYet
        );
        assert_eq!(
            classify(
                Some("ResourceInUseException"),
                "Table is being updated",
                Some(400)
            ),
            ErrorKind::NotYet
        );
        assert_eq!(classify(Some("ValidationError"), "", Some(400)), ErrorKind::Other);
        assert_eq!(classify(None, "", Some(404)), ErrorKind::Other);
        assert_eq!(classify(None, "", Some(429)), ErrorKind::Throttling);
        assert_eq!(classify(None, "", Some(503)), ErrorKind::Transient);
        assert_eq!(classify(None, "dispatch failure", None), ErrorKind::Transient);
    }
}
