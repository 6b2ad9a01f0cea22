//! Where a stack's state is kept: a file, or an object in S3 that a team
//! shares. Said with `--state PATH | s3://BUCKET/KEY`, or by the topology's
//! `state`; the checker reads the one, the state layer opens either.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Local(PathBuf),
    S3 { bucket: String, key: String },
}

impl Location {
    /// `s3://BUCKET/KEY` is S3; anything else is a path.
    pub fn parse(text: &str) -> Result<Location, String> {
        let Some(rest) = text.strip_prefix("s3://") else {
            if text.contains("://") {
                return Err(format!(
                    "{text}: state is kept in a file or in S3 (s3://BUCKET/KEY); no other scheme is known"
                ));
            }
            return Ok(Location::Local(PathBuf::from(text)));
        };
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        // The rules S3 gives bucket names, enough to catch a typo before a
        // request does.
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !valid_bucket {
            return Err(format!(
                "{text}: `{bucket}` is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"
            ));
        }
        if key.is_empty() || key.ends_with('/') {
            return Err(format!(
                "{text}: name the state object too, as s3://{bucket}/KEY (for example \
                 s3://{bucket}/payments/prod.drxstate)"
            ));
        }
        Ok(Location::S3 {
            bucket: bucket.to_string(),
            key: key.to_string(),
        })
    }
}

/// Written as it is said: a path, or `s3://BUCKET/KEY`.
impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Local(path) => write!(f, "{}", path.display()),
            Location::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_s3_urls() {
        assert_eq!(
            Location::parse("state.json"),
            Ok(Location::Local("state.json".into()))
        );
        assert_eq!(
            Location::parse("s3://team-state/payments/prod.drxstate"),
            Ok(Location::S3 {
                bucket: "team-state".into(),
                key: "payments/prod.drxstate".into()
            })
        );
        assert_eq!(
            Location::parse("s3://team-state/a").map(|l| l.to_string()),
            Ok("s3://team-state/a".to_string())
        );
        for bad in [
            "s3://team-state",
            "s3://team-state/",
            "s3://Team_State/k",
            "s3://ab/k",
            "gs://b/k",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }
}
