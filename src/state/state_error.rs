//! What can go wrong with state, as data.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read state {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "state {} is not valid: {message} (line {line}, column {column}); it was left as it is — \
         restore it from {}.backup or from version control",
        path.display(),
        path.display()
    )]
    Malformed {
        path: PathBuf,
        message: String,
        line: usize,
        column: usize,
    },
    #[error(
        "state {} has format version {found}; this drx reads version {supported} — use a newer drx",
        path.display()
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot write state {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{}", locked_message(path, holder, waited))]
    Locked {
        path: PathBuf,
        holder: Option<Box<super::LockHolder>>,
        /// How long this drx waited for it (`--lock-timeout`).
        waited: std::time::Duration,
    },
    #[error(
        "{} is held by {}: a lock the operating system holds for a running process cannot be \
         forced; stop that process (it releases the lock when it exits, however it exits)",
        path.display(),
        who(holder)
    )]
    HeldByRunningProcess {
        path: PathBuf,
        holder: Option<Box<super::LockHolder>>,
    },
    #[error(
        "{} names lock {}, not {given}; nothing was changed",
        path.display(),
        holder.id
    )]
    LockIdMismatch {
        path: PathBuf,
        given: String,
        holder: Box<super::LockHolder>,
    },
    #[error(
        "the journal {} is damaged at line {line}: {why}; it was left as it is, and so was the state — \
         keep both for a report, then move the journal aside to use the state as last written whole",
        path.display()
    )]
    DamagedJournal { path: PathBuf, line: usize, why: String },
    #[error(
        "the journal {} belongs to another history of the stack ({why}); it was left as it is — if the state \
         was replaced on purpose, move the journal aside",
        path.display()
    )]
    ForeignJournal { path: PathBuf, why: String },
    #[error("cannot create lock {}: {source}", path.display())]
    Lock { path: PathBuf, source: std::io::Error },
    #[error("{}", remote_locked_message(location, holder, waited, file))]
    RemoteLocked {
        location: String,
        holder: Option<Box<super::LockHolder>>,
        waited: std::time::Duration,
        /// The .drx file, for the force-unlock command to print.
        file: Option<PathBuf>,
    },
    #[error("cannot {doing} {location}: {message}")]
    Remote {
        location: String,
        /// `read the state`, `write the state`, `take the lock`…
        doing: &'static str,
        /// What went wrong and what to do, in the store's words.
        message: String,
    },
    #[error(
        "bucket {bucket} does not keep object versions, so an overwritten state could not be restored; \
         drx keeps state only where it can. Turn versioning on:\n  aws s3api put-bucket-versioning \
         --bucket {bucket} --versioning-configuration Status=Enabled"
    )]
    VersioningOff { bucket: String },
    #[error(
        "the state at {location} was written by another drx since this one read it (was this drx's \
         lock force-unlocked?); nothing was overwritten. What this command did is kept in {journal}; \
         run the command again to work from the newer state"
    )]
    Conflict { location: String, journal: String },
    #[error("the state at {location} {why}; it was left as it is")]
    Regressed { location: String, why: String },
    #[error(
        "bucket {bucket} is not in the region drx addressed it in, and S3 still answered {code} in the \
         region it named; set AWS_REGION to the bucket's region, or check the location. The state was \
         not changed"
    )]
    WrongRegion { bucket: String, code: String },
}

fn remote_locked_message(
    location: &str,
    holder: &Option<Box<super::LockHolder>>,
    waited: &std::time::Duration,
    file: &Option<PathBuf>,
) -> String {
    let waited = if waited.is_zero() {
        "; wait for it to finish, or pass --lock-timeout 5m to wait".to_string()
    } else {
        format!("; waited {} for it", humantime::format_duration(*waited))
    };
    let who = match holder.as_deref().and_then(|h| h.who.as_deref()) {
        Some(arn) => format!("{} as {arn}", self::who(holder)),
        None => self::who(holder),
    };
    let id = holder.as_ref().map_or("LOCK_ID", |h| h.id.as_str());
    let file = file
        .as_ref()
        .map_or_else(|| "FILE".to_string(), |f| f.display().to_string());
    format!(
        "state {location} is locked by {who}{waited}. A remote lock outlives a holder that died \
         (its machine lost, the process killed): if that drx is no longer running, release it with\n  \
         drx force-unlock {id} --state {location} {file}"
    )
}

/// "apply (pid 4242 on build-7, since 2026-11-25T10:00:00Z, 3m ago; lock id …)".
fn who(holder: &Option<Box<super::LockHolder>>) -> String {
    match holder {
        Some(holder) => {
            let age = holder
                .age()
                .map(|age| {
                    let rounded = std::time::Duration::from_secs(age.as_secs());
                    format!(", {} ago", humantime::format_duration(rounded))
                })
                .unwrap_or_default();
            format!(
                "{} (pid {} on {}, since {}{age}; lock id {})",
                holder.operation, holder.pid, holder.host, holder.since, holder.id
            )
        }
        None => "another process (its lock file does not say which)".to_string(),
    }
}

fn locked_message(
    path: &std::path::Path,
    holder: &Option<Box<super::LockHolder>>,
    waited: &std::time::Duration,
) -> String {
    let waited = if waited.is_zero() {
        "; wait for it to finish, or pass --lock-timeout 5m to wait".to_string()
    } else {
        format!("; waited {} for it", humantime::format_duration(*waited))
    };
    format!(
        "state is locked by {}{waited} (the lock is {}; it is released when that process exits)",
        who(holder),
        path.display()
    )
}
