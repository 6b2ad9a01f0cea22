//! AWS errors, classified by what apply should do about them.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Slow down and try again.
    Throttling,
    /// A 5xx, a timeout or a dropped connection: try again.
    Transient,
    /// Eventual consistency (a new IAM role not yet assumable, a Lambda
    /// update in progress): try again after a pause.
    NotYet,
    /// The resource does not exist.
    NotFound,
    /// Anything else: report it.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub kind: ErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AwsError {}

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

const NOT_FOUND: &[&str] = &[
    "ResourceNotFoundException",
    "NoSuchEntity",
    "NoSuchBucket",
    "NotFoundException",
    "NoSuchHostedZone",
    "NoSuchHealthCheck",
    "NotFound",
    "NoSuchKey",
    "ReplicationConfigurationNotFoundError",
    "TableNotFoundException",
];

impl AwsError {
    pub fn other(message: impl Into<String>) -> AwsError {
        AwsError {
            kind: ErrorKind::Other,
            code: None,
            message: message.into(),
        }
    }

    pub fn not_yet(message: impl Into<String>) -> AwsError {
        AwsError {
            kind: ErrorKind::NotYet,
            code: None,
            message: message.into(),
        }
    }

    /// Classifies any SDK error by its code and message.
    pub fn from_sdk<E>(error: E) -> AwsError
    where
        E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error,
    {
        let code = error.code().map(str::to_string);
        let message = error
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| aws_sdk_sts::error::DisplayErrorContext(&error).to_string());
        let kind = match code.as_deref() {
            Some(code) if THROTTLING.contains(&code) => ErrorKind::Throttling,
            Some(code) if TRANSIENT.contains(&code) => ErrorKind::Transient,
            Some(code) if NOT_FOUND.contains(&code) => ErrorKind::NotFound,
            // IAM is eventually consistent: a new role is not assumable at once.
            Some("InvalidParameterValueException") if message.contains("cannot be assumed") => {
                ErrorKind::NotYet
            }
            // Lambda refuses changes while the last one is in progress.
            Some("ResourceConflictException") if message.contains("in progress") => ErrorKind::NotYet,
            // API Gateway and Route 53 refuse changes while others are pending.
            Some("ConflictException") | Some("ConcurrentModification") => ErrorKind::NotYet,
            Some(_) => ErrorKind::Other,
            // No code: the request did not complete (dispatch, timeout, I/O).
            None => ErrorKind::Transient,
        };
        AwsError { kind, code, message }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// Whether trying again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttling | ErrorKind::Transient | ErrorKind::NotYet
        )
    }
}
