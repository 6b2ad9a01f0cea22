//! State in S3, shared by a team: `--state s3://BUCKET/KEY`.
//!
//! The document is the object `KEY`; every write of it is conditional on the
//! ETag this drx last read or wrote (`If-Match`, or `If-None-Match: *` for a
//! stack's first), so a writer whose lock was broken can never overwrite a
//! newer state — S3 answers 412 and nothing is lost. Between two writes each
//! journal record is one small object, `KEY.journal/LINEAGE/SERIAL/NNNNNNNNNN`,
//! written once (`If-None-Match: *`) and holding the records of one batch
//! (see `Outbox`); reading replays those of the document's lineage and
//! serial, and a write that compacts them deletes them. The lock
//! is the object `KEY.lock`, created with `If-None-Match: *` and naming its
//! holder. Every object is written with server-side encryption, and the
//! bucket must keep versions: an overwrite can always be undone.
//!
//! An apply costs three round trips of its own: the lock (with the
//! document, the journal's listing, the bucket's versioning and STS), the
//! first write, and the last write with the lock's release. The bucket is
//! addressed in the configured region and moved to its own on S3's redirect
//! (`Shared::run`).
//!
//! S3 conditional writes are documented in the S3 User Guide, "Add
//! preconditions to S3 operations with conditional requests": a failed
//! precondition is 412 PreconditionFailed, and concurrent conditional writes
//! of one key may get 409 ConditionalRequestConflict, to be retried.
//!
//! `StateStore` is synchronous (the executor calls it between operations), so
//! the backend runs its requests on a small runtime of its own and waits for
//! the answer: callable from inside the executor's runtime or outside any.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, Delete, ObjectIdentifier, ServerSideEncryption};

use super::{Aws, GLOBAL_REGION, sdk_error};
use crate::model::{ErrorKind, ProviderError};
use crate::state::{
    JournalRecord, LockHolder, Recovery, State, StateError, StateStore, Unlocked, parse_document, replay,
};

/// A runtime for the backend's requests, shut down without blocking when
/// the backend goes (it may go inside another runtime).
struct Bridge(Option<tokio::runtime::Runtime>);

impl Bridge {
    fn new() -> Result<Bridge, String> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("drx-s3-state")
            .enable_all()
            .build()
            .map(|runtime| Bridge(Some(runtime)))
            .map_err(|e| format!("cannot start the S3 state runtime: {e}"))
    }

    /// Runs `work` to its end on the bridge's runtime.
    fn run<T: Send + 'static>(&self, work: impl Future<Output = T> + Send + 'static) -> Option<T> {
        let (answer, answered) = std::sync::mpsc::channel();
        self.0.as_ref()?.spawn(async move {
            let _ = answer.send(work.await);
        });
        answered.recv().ok()
    }
}

impl Bridge {
    /// Starts `work` and returns at once.
    fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        if let Some(runtime) = &self.0 {
            runtime.spawn(work);
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// What the backend and its lock share.
struct Shared {
    bridge: Bridge,
    aws: Arc<Aws>,
    /// The user or role this drx acts as, for the lock to name: asked of STS
    /// once, while the lock is taken rather than before it.
    caller: tokio::sync::OnceCell<Option<String>>,
    /// A client for the bucket's region. Addressed first in the region the
    /// configuration names (where a team's state bucket usually is), so the
    /// first round trip is the command's own; S3 answers a wrong guess with
    /// a redirect, and the region is then asked of S3 and the round sent
    /// again (see `Shared::run`).
    client: std::sync::RwLock<aws_sdk_s3::Client>,
    /// Whether the client was moved to the region S3 named: once at most.
    relocated: std::sync::atomic::AtomicBool,
    bucket: String,
    key: String,
    /// The .drx file, for the commands messages print.
    file: Option<PathBuf>,
    outbox: Outbox,
    /// Whether the bucket was seen to keep versions: checked alongside the
    /// first request that needs it (the lock, or the first read), not before.
    versioned: std::sync::atomic::AtomicBool,
    /// The lock this drx holds, for the command's last write to release in
    /// the same round trip.
    held: Mutex<Option<Arc<Held>>>,
}

/// A lock object this drx created.
#[derive(Debug)]
struct Held {
    /// Its ETag: as created, then as the holder's name was written into it.
    etag: Mutex<String>,
    /// Writing the holder's ARN into it, when it was taken before STS
    /// answered.
    naming: Mutex<Naming>,
    /// Told when the name is written.
    named: tokio::sync::Notify,
    /// Released already (by the command's last write).
    released: std::sync::atomic::AtomicBool,
}

/// How far writing the holder's ARN into the lock has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// Waiting for STS: a release now goes ahead, and the name is never
    /// written (an STS that hangs cannot keep the lock).
    Asking,
    /// The rewrite is on its way: a release waits for it, to delete what it
    /// wrote rather than be refused for the ETag it replaced.
    Writing,
    /// Written, given up, or never needed.
    Done,
}

impl Held {
    fn new(etag: String, naming: Naming) -> Held {
        Held {
            etag: Mutex::new(etag),
            naming: Mutex::new(naming),
            named: tokio::sync::Notify::new(),
            released: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Naming> {
        self.naming.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `named` into the lock, unless a release came first.
    async fn name(&self, shared: &Shared, named: &LockHolder) {
        {
            let mut phase = self.phase();
            if *phase != Naming::Asking {
                return;
            }
            *phase = Naming::Writing;
        }
        let body = serde_json::to_vec_pretty(named).unwrap_or_default();
        let created = self.etag.lock().unwrap_or_else(|p| p.into_inner()).clone();
        // Only over the object this drx created: a lock force-unlocked and
        // taken meanwhile is another's.
        let put = shared
            .client()
            .put_object()
            .bucket(&shared.bucket)
            .key(shared.lock_key())
            .if_match(created)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .content_type("application/json")
            .body(ByteStream::from(body))
            .send()
            .await;
        if let Some(etag) = put.ok().as_ref().and_then(|put| put.e_tag()) {
            *self.etag.lock().unwrap_or_else(|p| p.into_inner()) = etag.to_string();
        }
        *self.phase() = Naming::Done;
        self.named.notify_waiters();
    }

    /// Deletes the lock object if it is still the one this drx created or
    /// named. Whether it did.
    async fn release(&self, shared: &Shared) -> Result<bool, StateError> {
        use std::sync::atomic::Ordering;
        if self.released.load(Ordering::SeqCst) {
            return Ok(false);
        }
        loop {
            // Made before the phase is looked at: it hears a notification
            // sent in between.
            let named = self.named.notified();
            {
                let mut phase = self.phase();
                match *phase {
                    Naming::Asking => {
                        *phase = Naming::Done;
                        break;
                    }
                    Naming::Done => break,
                    Naming::Writing => {}
                }
            }
            named.await;
        }
        let etag = self.etag.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let deleted = delete_lock(shared, &etag).await?;
        self.released.store(true, Ordering::SeqCst);
        Ok(deleted)
    }
}

/// Journal records on their way to S3. An append returns once its record is
/// queued; one uploader at a time writes what is queued as one object (a
/// group commit), so records cost a round trip per batch, off the
/// executor's path. Only results are appended (every intent is in the
/// document written before any operation starts), and a result lost to a
/// crash leaves its intent pending, which the next command resolves in AWS.
#[derive(Debug, Default)]
struct Outbox {
    queue: Mutex<Queue>,
    idle: std::sync::Condvar,
    /// Told when a batch has landed (or failed to), for a tidy waiting to
    /// delete it.
    landed: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct Queue {
    /// Records waiting, as JSON lines.
    lines: Vec<u8>,
    uploading: bool,
    /// Where this drx's journal records go (the prefix of the document as
    /// last read or written), and the next batch's number.
    prefix: Option<String>,
    next: u64,
    /// The first upload that failed, told to the next append.
    failed: Option<StateError>,
    /// Compacted journals being deleted.
    tidying: usize,
    /// The journal objects under `prefix` this drx knows of: those it read
    /// and those it uploaded. Deleted by key once compacted, with no listing.
    objects: Vec<String>,
    /// The object being uploaded now.
    in_flight: Option<String>,
}

impl Shared {
    fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    fn lock_key(&self) -> String {
        format!("{}.lock", self.key)
    }

    fn client(&self) -> aws_sdk_s3::Client {
        self.client.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Runs the requests `work` makes to their end. When S3 answers that
    /// the bucket is in another region than the one addressed, the region is
    /// asked of S3 and `work` runs once more, there: a redirected request
    /// did nothing, so sending it again is safe.
    fn run<T, F, Fut>(self: &Arc<Self>, doing: &'static str, work: F) -> Result<T, StateError>
    where
        T: Send + 'static,
        F: Fn(Arc<Shared>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StateError>> + Send + 'static,
    {
        let shared = self.clone();
        self.bridge
            .run(async move {
                match work(shared.clone()).await {
                    Err(StateError::WrongRegion { .. }) if shared.relocate().await? => work(shared).await,
                    answer => answer,
                }
            })
            .unwrap_or_else(|| {
                Err(StateError::Remote {
                    location: self.location(),
                    doing,
                    message: "the request was lost (its task ended without an answer)".into(),
                })
            })
    }

    /// Moves the client to the bucket's region, as S3 names it
    /// (`GetBucketLocation` answers from us-east-1 for a bucket anywhere).
    /// Whether it moved: only the first time.
    async fn relocate(&self) -> Result<bool, StateError> {
        use std::sync::atomic::Ordering;
        if self.relocated.swap(true, Ordering::SeqCst) {
            return Ok(false);
        }
        let found = self
            .aws
            .s3(GLOBAL_REGION)
            .await
            .get_bucket_location()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| remote(&self.location(), "find the region of", &sdk_error(e)))?;
        let client = self.aws.s3(&region_of(found.location_constraint())).await;
        *self.client.write().unwrap_or_else(|p| p.into_inner()) = client;
        Ok(true)
    }

    /// Who this drx acts as, for the lock to name (`None` if STS would not
    /// say: the lock still names host, pid and operation).
    async fn caller(&self) -> Option<String> {
        self.caller
            .get_or_init(|| async {
                self.aws
                    .caller_identity()
                    .await
                    .ok()
                    .and_then(|identity| identity.arn)
            })
            .await
            .clone()
    }
}

/// What this drx knows of the document: how its writes stay conditional.
#[derive(Debug, Default)]
struct Seen {
    /// Its ETag as last read or written; `None` when there is none.
    etag: Option<String>,
    /// The document fetched while the lock was taken, for the read after.
    prefetched: Option<Fetched>,
    /// Its lineage and serial as last read or written.
    version: Option<(String, u64)>,
    recovered: Option<Recovery>,
}

pub struct S3Backend {
    shared: Arc<Shared>,
    seen: Mutex<Seen>,
}

impl Drop for S3Backend {
    /// What is queued is uploaded, and what was compacted deleted, before the
    /// backend (and its runtime) goes.
    fn drop(&mut self) {
        self.settle();
    }
}

impl std::fmt::Debug for S3Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Backend")
            .field("location", &self.location())
            .finish()
    }
}

/// An S3 error as a state error that says what to do.
fn remote(location: &str, doing: &'static str, error: &ProviderError) -> StateError {
    let code = error.code.as_deref().unwrap_or_default();
    let bucket = location
        .trim_start_matches("s3://")
        .split('/')
        .next()
        .unwrap_or_default();
    // S3's answers to a request sent to another region than the bucket's
    // (S3 User Guide, "Request redirection and the REST API"): 301
    // PermanentRedirect from most regions, 307 while a new bucket's name
    // propagates, 400 AuthorizationHeaderMalformed when signed for the
    // wrong one, 400 IllegalLocationConstraintException from regions
    // launched after March 2019.
    if matches!(
        code,
        "PermanentRedirect"
            | "TemporaryRedirect"
            | "AuthorizationHeaderMalformed"
            | "IllegalLocationConstraintException"
    ) {
        return StateError::WrongRegion {
            bucket: bucket.to_string(),
            code: code.to_string(),
        };
    }
    let message = match code {
        "NoSuchBucket" => {
            format!("bucket {bucket} does not exist: create it (with versioning on), or correct the location")
        }
        "AccessDenied" | "Forbidden" | "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "ExpiredToken" => {
            format!(
                "access denied ({code}: {}); the caller needs s3:GetObject, s3:PutObject, s3:DeleteObject, \
                 s3:ListBucket and s3:GetBucketVersioning on bucket {bucket} (docs/state.md has the policy)",
                error.message
            )
        }
        _ if error.kind == ErrorKind::Throttling => {
            format!("S3 is slowing requests down ({code}) and still did after retries; try again in a moment")
        }
        _ if error.kind == ErrorKind::Transient => format!(
            "S3 could not be reached or failed ({}); check the network and the endpoint, then try again",
            error.message
        ),
        _ => error.to_string(),
    };
    StateError::Remote {
        location: location.to_string(),
        doing,
        message: format!("{message}. The state was not changed"),
    }
}

/// An answer whose body stopped coming.
fn cut_short(location: &str, doing: &'static str, error: &impl std::fmt::Display) -> StateError {
    StateError::Remote {
        location: location.to_string(),
        doing,
        message: format!("the answer was cut short ({error}); try again"),
    }
}

fn precondition_failed(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("PreconditionFailed"))
}

/// Concurrent conditional writes of one key: S3 says try again.
fn conditional_conflict(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("ConditionalRequestConflict"))
}

fn region_of(constraint: Option<&aws_sdk_s3::types::BucketLocationConstraint>) -> String {
    match constraint.map(|c| c.as_str()) {
        None | Some("") => "us-east-1".into(),
        // The oldest buckets in Ireland answer with the region's old name.
        Some("EU") => "eu-west-1".into(),
        Some(region) => region.into(),
    }
}

impl S3Backend {
    /// The state at `s3://bucket/key`. Nothing is asked of S3 yet: the
    /// bucket's region is found by the first request (see `Shared::run`),
    /// and a bucket that does not keep versions is refused by it.
    pub fn open(bucket: &str, key: &str, file: Option<&Path>) -> Result<S3Backend, StateError> {
        S3Backend::open_with(Aws::new(), bucket, key, file)
    }

    /// The same, through `aws` (its credentials and endpoint) rather than the
    /// standard chain.
    pub fn open_with(
        aws: Aws,
        bucket: &str,
        key: &str,
        file: Option<&Path>,
    ) -> Result<S3Backend, StateError> {
        let aws = Arc::new(aws);
        let location = format!("s3://{bucket}/{key}");
        let bridge = Bridge::new().map_err(|message| StateError::Remote {
            location: location.clone(),
            doing: "open",
            message,
        })?;
        let guessing = aws.clone();
        let client = bridge
            .run(async move {
                let region = guessing.home_region().await;
                guessing.s3(region.as_deref().unwrap_or(GLOBAL_REGION)).await
            })
            .ok_or_else(|| StateError::Remote {
                location: location.clone(),
                doing: "open",
                message: "the S3 state runtime stopped".into(),
            })?;
        let shared = Arc::new(Shared {
            bridge,
            aws,
            caller: tokio::sync::OnceCell::new(),
            client: std::sync::RwLock::new(client),
            relocated: std::sync::atomic::AtomicBool::new(false),
            bucket: bucket.to_string(),
            key: key.to_string(),
            file: file.map(Path::to_path_buf),
            outbox: Outbox::default(),
            versioned: std::sync::atomic::AtomicBool::new(false),
            held: Mutex::new(None),
        });
        Ok(S3Backend {
            shared,
            seen: Mutex::new(Seen::default()),
        })
    }

    pub fn location(&self) -> String {
        self.shared.location()
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until every queued record is in S3 (or failed to get there).
    fn drain(&self) -> std::sync::MutexGuard<'_, Queue> {
        let mut queue = self.queue();
        while queue.uploading {
            queue = self
                .shared
                .outbox
                .idle
                .wait(queue)
                .unwrap_or_else(|p| p.into_inner());
        }
        queue
    }

    /// Waits for the uploads and for the tidying of compacted journals.
    fn settle(&self) {
        let mut queue = self.queue();
        while queue.uploading || queue.tidying > 0 {
            queue = self
                .shared
                .outbox
                .idle
                .wait(queue)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    /// What the last `read` replayed from the journal, if anything.
    pub fn recovered(&self) -> Option<Recovery> {
        self.seen().recovered.clone()
    }

    /// Where the journal after the document as last read or written is.
    pub fn journal_location(&self) -> String {
        match &self.queue().prefix {
            Some(prefix) => format!("s3://{}/{prefix}", self.shared.bucket),
            None => format!("s3://{}/{}.journal/", self.shared.bucket, self.shared.key),
        }
    }

    fn journal_prefix(&self, state: &State) -> String {
        format!(
            "{}.journal/{}/{:020}/",
            self.shared.key, state.lineage, state.serial
        )
    }

    /// Takes the stack's lock, waiting up to `timeout` for its holder.
    pub fn lock(&self, operation: &str, timeout: Duration) -> Result<S3Lock, StateError> {
        let shared = self.shared.clone();
        let mut holder = LockHolder::now(operation);
        // STS is asked alongside the first attempt, not before it: a round
        // trip saved. A lock taken before it answers is named right after
        // (see `S3Lock::name`).
        let asking = shared.clone();
        shared.bridge.spawn(async move {
            asking.caller().await;
        });
        let started = Instant::now();
        let mut first = true;
        loop {
            holder.who = shared.caller.get().cloned().flatten();
            let body = serde_json::to_vec_pretty(&holder).unwrap_or_default();
            // The first attempt also fetches the document, for the read
            // that follows a lock: a round trip saved. Taken at once, the
            // lock was free when S3 created it, so its last holder had
            // released it — after its last write — by then; the fetch, sent
            // with the lock, misses a write only if that holder wrote and
            // released in the moment between the two reaching S3, and then
            // this drx's first write, conditional on the ETag it read, is
            // refused as a conflict: never a lost update. A lock waited for
            // is read afresh.
            let prefetch = first;
            first = false;
            let (taken, fetched) = shared.run("take the lock on", move |shared| {
                let body = body.clone();
                async move {
                    let location = shared.location();
                    let put = shared
                        .client()
                        .put_object()
                        .bucket(&shared.bucket)
                        .key(shared.lock_key())
                        .if_none_match("*")
                        .server_side_encryption(ServerSideEncryption::Aes256)
                        .content_type("application/json")
                        .body(ByteStream::from(body))
                        .send();
                    // The bucket's versioning is checked in the same round trip.
                    let read = async {
                        if prefetch {
                            // Versioning is the lock's to check.
                            Some(fetch(&shared, false).await)
                        } else {
                            None
                        }
                    };
                    let (put, versioned, fetched) = tokio::join!(put, check_versioning(&shared), read);
                    let taken = match put.map_err(sdk_error) {
                        Ok(put) => Some(put.e_tag().unwrap_or_default().to_string()),
                        Err(error) if precondition_failed(&error) || conditional_conflict(&error) => None,
                        Err(error) => return Err(remote(&location, "take the lock on", &error)),
                    };
                    if let Err(refused) = versioned {
                        if let Some(etag) = &taken {
                            let _ = delete_lock(&shared, etag).await;
                        }
                        return Err(refused);
                    }
                    Ok((taken, fetched))
                }
            })?;
            if let Some(etag) = taken {
                self.seen().prefetched = fetched;
                return Ok(S3Lock::name(shared, holder, etag));
            }
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(StateError::RemoteLocked {
                    location: self.location(),
                    holder: self.lock_holder()?.map(|(holder, _)| Box::new(holder)),
                    waited: timeout,
                    file: self.shared.file.clone(),
                });
            }
            std::thread::sleep(Duration::from_secs(1).min(timeout - waited));
        }
    }

    /// The lock object's holder and ETag, if there is one.
    fn lock_holder(&self) -> Result<Option<(LockHolder, Option<String>)>, StateError> {
        read_lock(&self.shared)
    }

    /// `drx force-unlock LOCK_ID --state s3://…`: deletes the lock object when
    /// it names `id`.
    pub fn force_unlock(&self, id: &str) -> Result<Unlocked, StateError> {
        let Some((holder, etag)) = self.lock_holder()? else {
            return Ok(Unlocked::AlreadyFree);
        };
        if holder.id != id {
            return Err(StateError::LockIdMismatch {
                path: PathBuf::from(format!("s3://{}/{}", self.shared.bucket, self.shared.lock_key())),
                given: id.to_string(),
                holder: Box::new(holder),
            });
        }
        // Only the lock read: one taken since (by a drx that saw it gone) is
        // not this one.
        let etag = etag.unwrap_or_default();
        if !self.shared.run("release the lock of", move |shared| {
            let etag = etag.clone();
            async move { delete_lock(&shared, &etag).await }
        })? {
            return Ok(Unlocked::AlreadyFree);
        }
        Ok(Unlocked::Cleared(Box::new(holder)))
    }

    /// Moves the state aside, to `KEY.migrated`, after it was moved to another
    /// store: kept as a backup (and, the bucket keeping versions, every
    /// earlier version too), and no longer where drx looks.
    pub fn retire(&self) -> Result<String, StateError> {
        let (bucket, key) = (self.shared.bucket.clone(), self.shared.key.clone());
        let aside = format!("{key}.migrated");
        let target = format!("s3://{bucket}/{aside}");
        self.shared.run("move aside", move |shared| {
            let (bucket, key, aside, location) =
                (bucket.clone(), key.clone(), aside.clone(), shared.location());
            async move {
                let client = shared.client();
                client
                    .copy_object()
                    .bucket(&bucket)
                    .key(&aside)
                    .copy_source(format!("{bucket}/{key}"))
                    .server_side_encryption(ServerSideEncryption::Aes256)
                    .send()
                    .await
                    .map_err(|e| remote(&location, "move aside", &sdk_error(e)))?;
                client
                    .delete_object()
                    .bucket(&bucket)
                    .key(&key)
                    .send()
                    .await
                    .map_err(|e| remote(&location, "move aside", &sdk_error(e)))?;
                Ok(())
            }
        })?;
        let compacted = self.queue().prefix.clone();
        if let Some(prefix) = compacted {
            self.forget_journal(prefix);
        }
        Ok(target)
    }

    /// Deletes compacted journal objects this drx knows by key: one round
    /// trip per thousand, in the background like `forget_journal`.
    fn forget_objects(&self, keys: Vec<String>) {
        self.queue().tidying += 1;
        let shared = self.shared.clone();
        self.shared.bridge.spawn(async move {
            // A batch still on its way would land after its delete.
            loop {
                // Made before looking: it hears a landing in between.
                let landed = shared.outbox.landed.notified();
                let busy = {
                    let queue = shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner());
                    queue.in_flight.as_ref().is_some_and(|key| keys.contains(key))
                };
                if !busy {
                    break;
                }
                landed.await;
            }
            for chunk in keys.chunks(1000) {
                let objects: Vec<ObjectIdentifier> = chunk
                    .iter()
                    .filter_map(|key| ObjectIdentifier::builder().key(key).build().ok())
                    .collect();
                if let Ok(delete) = Delete::builder().set_objects(Some(objects)).quiet(true).build() {
                    let _ = shared
                        .client()
                        .delete_objects()
                        .bucket(&shared.bucket)
                        .delete(delete)
                        .send()
                        .await;
                }
            }
            let mut queue = shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner());
            queue.tidying -= 1;
            shared.outbox.idle.notify_all();
        });
    }

    /// Deletes the journal records under `prefix` (compacted into the
    /// document): best effort, since a later read ignores them anyway.
    fn forget_journal(&self, prefix: String) {
        // In the background: the command goes on (releasing its lock, say)
        // while this runs; the backend waits for it only when it goes.
        self.queue().tidying += 1;
        let shared = self.shared.clone();
        self.shared.bridge.spawn(async move {
            let (client, bucket) = (&shared.client(), &shared.bucket);
            let mut token = None;
            loop {
                let Ok(page) = client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(&prefix)
                    .set_continuation_token(token)
                    .send()
                    .await
                else {
                    break;
                };
                let keys: Vec<ObjectIdentifier> = page
                    .contents()
                    .iter()
                    .filter_map(|object| object.key())
                    .filter_map(|key| ObjectIdentifier::builder().key(key).build().ok())
                    .collect();
                if !keys.is_empty()
                    && let Ok(delete) = Delete::builder().set_objects(Some(keys)).quiet(true).build()
                {
                    let _ = client.delete_objects().bucket(bucket).delete(delete).send().await;
                }
                token = page.next_continuation_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            let mut queue = shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner());
            queue.tidying -= 1;
            shared.outbox.idle.notify_all();
        });
    }
}

fn read_lock(shared: &Arc<Shared>) -> Result<Option<(LockHolder, Option<String>)>, StateError> {
    shared.run("read the lock of", |shared| async move {
        let location = shared.location();
        match shared
            .client()
            .get_object()
            .bucket(&shared.bucket)
            .key(shared.lock_key())
            .send()
            .await
        {
            Ok(object) => {
                let etag = object.e_tag().map(str::to_string);
                let body = object
                    .body
                    .collect()
                    .await
                    .map(|b| b.into_bytes())
                    .unwrap_or_default();
                // A lock that names no one readable is still a lock.
                let holder = serde_json::from_slice(&body).unwrap_or_else(|_| LockHolder {
                    id: String::new(),
                    pid: 0,
                    host: "unknown".into(),
                    operation: "unknown".into(),
                    since: String::new(),
                    drx_version: String::new(),
                    who: None,
                });
                Ok(Some((holder, etag)))
            }
            Err(error) => {
                let error = sdk_error(error);
                if matches!(error.code.as_deref(), Some("NoSuchKey" | "NotFound")) {
                    Ok(None)
                } else {
                    Err(remote(&location, "read the lock of", &error))
                }
            }
        }
    })
}

/// Deletes the lock object if it is still the one with `etag` (a
/// conditional delete: S3 answers 412 when it is not, 404 when it is gone).
/// Whether it was deleted.
async fn delete_lock(shared: &Shared, etag: &str) -> Result<bool, StateError> {
    match shared
        .client()
        .delete_object()
        .bucket(&shared.bucket)
        .key(shared.lock_key())
        .if_match(etag)
        .send()
        .await
        .map_err(sdk_error)
    {
        Ok(_) => Ok(true),
        Err(error)
            if precondition_failed(&error)
                || matches!(error.code.as_deref(), Some("NoSuchKey" | "NotFound")) =>
        {
            Ok(false)
        }
        Err(error) => Err(remote(&shared.location(), "release the lock of", &error)),
    }
}

impl StateStore for S3Backend {
    fn read(&self) -> Result<Option<State>, StateError> {
        // A read sees what this drx appended.
        if let Some(failed) = self.drain().failed.take() {
            return Err(failed);
        }
        let prefetched = self.seen().prefetched.take();
        let fetch_now = || {
            self.shared.run(
                "read the state",
                |shared| async move { fetch(&shared, true).await },
            )
        };
        let (mut document, mut journal) = match prefetched {
            Some(fetched) => fetched?,
            None => fetch_now()?,
        };
        let location = self.location();
        let mut looked_again = false;
        let (mut state, etag) = loop {
            let Some((body, etag)) = document else {
                let mut seen = self.seen();
                if let Some((lineage, serial)) = &seen.version {
                    return Err(StateError::Regressed {
                        location,
                        why: format!(
                            "is gone, though this drx read lineage {lineage} at serial {serial} from it"
                        ),
                    });
                }
                seen.etag = None;
                seen.recovered = None;
                return Ok(None);
            };
            let state = parse_document(&String::from_utf8_lossy(&body), Path::new(&location))?;
            // Journal records after the document: its last writer died
            // mid-command — or is writing its last document as this drx
            // takes the lock it let go in the same round trip (see
            // `write_last`). Read once more: a document that moved on is the
            // one to work from.
            let prefix = self.journal_prefix(&state);
            if !looked_again && journal.iter().any(|k| k.starts_with(&prefix)) {
                looked_again = true;
                let (again, listed) = fetch_now()?;
                if again.as_ref().map(|(_, e)| e) != Some(&etag) {
                    (document, journal) = (again, listed);
                    continue;
                }
            }
            break (state, etag);
        };
        {
            let seen = self.seen();
            if let Some((lineage, serial)) = &seen.version {
                if *lineage != state.lineage {
                    return Err(StateError::Regressed {
                        location,
                        why: format!(
                            "is now lineage {}, not the lineage {lineage} this drx read; another stack's \
                             state was put in its place",
                            state.lineage
                        ),
                    });
                }
                if state.serial < *serial {
                    return Err(StateError::Regressed {
                        location,
                        why: format!(
                            "went back from serial {serial} to {} (an older version restored?)",
                            state.serial
                        ),
                    });
                }
            }
        }
        let prefix = self.journal_prefix(&state);
        // Journals an earlier document compacted: deleted by the command
        // holding the lock (the last command's, left for this one).
        let lineage_root = format!("{}.journal/{}/", self.shared.key, state.lineage);
        let compacted: Vec<String> = journal
            .iter()
            .filter(|k| {
                k.strip_prefix(&lineage_root)
                    .and_then(|rest| rest.split('/').next())
                    .and_then(|serial| serial.parse::<u64>().ok())
                    .is_some_and(|serial| serial < state.serial)
            })
            .cloned()
            .collect();
        let holding = self
            .shared
            .held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        if holding && !compacted.is_empty() {
            self.forget_objects(compacted);
        }
        let keys: Vec<String> = journal.into_iter().filter(|k| k.starts_with(&prefix)).collect();
        let (records, batches) = self.read_journal(keys.clone())?;
        let replayed = records.len();
        replay(&mut state, &records);
        {
            let mut queue = self.queue();
            queue.prefix = Some(prefix.clone());
            queue.next = batches;
            queue.objects = keys;
        }
        let mut seen = self.seen();
        seen.etag = etag;
        seen.version = Some((state.lineage.clone(), state.serial));
        seen.recovered = (replayed > 0).then_some(Recovery {
            replayed,
            torn: false,
        });
        Ok(Some(state))
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        self.put_document(state, false)
    }

    /// The document written and the lock released at once: one round trip
    /// where one after the other would take two. Should the release reach
    /// S3 first, a drx that takes the lock in that instant and reads the
    /// document before this write lands sees it with journal records after
    /// it, and reads it again (see `read`); failing that, its first write,
    /// conditional on what it read, is refused: never a lost update. The
    /// journal this write compacts is deleted by the next command that
    /// reads the state, rather than now, when the command would wait for it.
    fn write_last(&self, state: &State) -> Result<(), StateError> {
        self.put_document(state, true)
    }

    fn append(&self, record: &JournalRecord) -> Result<(), StateError> {
        let mut queue = self.queue();
        if let Some(failed) = queue.failed.take() {
            return Err(failed);
        }
        if queue.prefix.is_none() {
            return Err(StateError::Remote {
                location: self.location(),
                doing: "journal",
                message: "the journal is appended to only after the state is written".into(),
            });
        }
        let mut line = serde_json::to_vec(record).unwrap_or_default();
        line.push(b'\n');
        queue.lines.extend(line);
        if !queue.uploading {
            queue.uploading = true;
            let shared = self.shared.clone();
            self.shared.bridge.spawn(upload(shared));
        }
        Ok(())
    }
}

impl S3Backend {
    /// Writes the document over the version this drx last saw; with
    /// `release`, lets go of the lock in the same round trip.
    fn put_document(&self, state: &State, release: bool) -> Result<(), StateError> {
        // What is still on its way is in the document being written, so it
        // is not waited for: a batch in flight lands under the old serial,
        // where a read of the new document ignores it (and the tidying of
        // the old journal waits for it), and what is queued is dropped. If
        // this write fails, the results dropped are as a crash loses them:
        // their intents stay pending in the document S3 has, and the next
        // command finds in AWS what they made.
        let (previous, objects) = {
            let mut queue = self.queue();
            queue.lines.clear();
            queue.failed = None;
            (queue.prefix.clone(), queue.objects.clone())
        };
        let mut body = serde_json::to_vec_pretty(state).map_err(|e| StateError::Remote {
            location: self.location(),
            doing: "write the state",
            message: e.to_string(),
        })?;
        body.push(b'\n');
        let etag = self.seen().etag.clone();
        let journal = self.journal_location();
        let held = if release {
            self.shared.held.lock().unwrap_or_else(|p| p.into_inner()).clone()
        } else {
            None
        };
        let written = self.shared.run("write the state", move |shared| {
            let (body, etag, journal, location, held) = (
                body.clone(),
                etag.clone(),
                journal.clone(),
                shared.location(),
                held.clone(),
            );
            async move {
                // Seen already by the lock or the read before any write.
                check_versioning(&shared).await?;
                let releasing = async {
                    if let Some(held) = &held {
                        // A release that fails is tried again when the lock
                        // is dropped.
                        let _ = held.release(&shared).await;
                    }
                };
                let mut request = shared
                    .client()
                    .put_object()
                    .bucket(&shared.bucket)
                    .key(&shared.key)
                    .server_side_encryption(ServerSideEncryption::Aes256)
                    .content_type("application/json")
                    .body(ByteStream::from(body));
                // Only over the version this drx read: a newer one is another
                // writer's, and a first write must not replace one it never saw.
                request = match &etag {
                    Some(etag) => request.if_match(etag),
                    None => request.if_none_match("*"),
                };
                let (sent, ()) = tokio::join!(request.send(), releasing);
                match sent {
                    Ok(put) => Ok(put.e_tag().map(str::to_string)),
                    Err(error) => {
                        let error = sdk_error(error);
                        if precondition_failed(&error) || conditional_conflict(&error) {
                            Err(StateError::Conflict { location, journal })
                        } else {
                            Err(remote(&location, "write the state", &error))
                        }
                    }
                }
            }
        })?;
        let prefix = self.journal_prefix(state);
        {
            let mut seen = self.seen();
            seen.etag = written;
            seen.version = Some((state.lineage.clone(), state.serial));
            seen.recovered = None;
            // What was fetched with the lock is older than this.
            seen.prefetched = None;
        }
        {
            let mut queue = self.queue();
            queue.prefix = Some(prefix.clone());
            queue.next = 0;
            if previous.as_ref() != Some(&prefix) {
                queue.objects.clear();
            }
        }
        if !release && previous.is_some_and(|p| p != prefix) && !objects.is_empty() {
            self.forget_objects(objects);
        }
        Ok(())
    }
}

/// The document (its body and ETag; none if there is none) and the keys of
/// the journal: listed while the document is fetched, one round trip, with
/// the bucket's versioning checked alongside when `versioning` (a lock being
/// taken checks it itself).
async fn fetch(shared: &Shared, versioning: bool) -> Fetched {
    let client = &shared.client();
    let (bucket, key, location) = (&shared.bucket, &shared.key, shared.location());
    let journal_root = format!("{key}.journal/");
    let listing = list_keys(client, bucket, &journal_root, &location);
    let document = async {
        match client.get_object().bucket(bucket).key(key).send().await {
            Ok(object) => {
                let etag = object.e_tag().map(str::to_string);
                let body = object
                    .body
                    .collect()
                    .await
                    .map_err(|e| cut_short(&location, "read the state", &e))?
                    .into_bytes()
                    .to_vec();
                Ok(Some((body, etag)))
            }
            Err(error) => {
                let error = sdk_error(error);
                if matches!(error.code.as_deref(), Some("NoSuchKey")) {
                    Ok(None)
                } else {
                    Err(remote(&location, "read the state", &error))
                }
            }
        }
    };
    let checked = async {
        if versioning {
            check_versioning(shared).await
        } else {
            Ok(())
        }
    };
    let (document, journal, versioned) = tokio::join!(document, listing, checked);
    versioned?;
    Ok((document?, journal?))
}

type Fetched = Result<(Option<(Vec<u8>, Option<String>)>, Vec<String>), StateError>;

/// Uploads what is queued, batch after batch, until nothing is.
async fn upload(shared: Arc<Shared>) {
    loop {
        let (body, key) = {
            let mut queue = shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner());
            let Some(prefix) = queue.prefix.clone().filter(|_| !queue.lines.is_empty()) else {
                queue.uploading = false;
                shared.outbox.idle.notify_all();
                return;
            };
            queue.next += 1;
            let key = format!("{prefix}{:010}", queue.next - 1);
            queue.objects.push(key.clone());
            queue.in_flight = Some(key.clone());
            (std::mem::take(&mut queue.lines), key)
        };
        let sent = shared
            .client()
            .put_object()
            .bucket(&shared.bucket)
            .key(&key)
            .if_none_match("*")
            .server_side_encryption(ServerSideEncryption::Aes256)
            .content_type("application/x-ndjson")
            .body(ByteStream::from(body))
            .send()
            .await;
        {
            let mut queue = shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner());
            queue.in_flight = None;
            shared.outbox.idle.notify_all();
            shared.outbox.landed.notify_waiters();
        }
        if let Err(error) = sent {
            let error = sdk_error(error);
            let location = shared.location();
            let failed = if precondition_failed(&error) {
                StateError::Conflict {
                    location,
                    journal: format!("s3://{}/{key}", shared.bucket),
                }
            } else {
                remote(&location, "journal an operation to", &error)
            };
            let mut queue = shared.outbox.queue.lock().unwrap_or_else(|p| p.into_inner());
            // A batch of a journal since compacted into a newer document
            // failing is nothing the next append needs to hear of: what is
            // queued now belongs to the newer one.
            if !queue
                .prefix
                .as_deref()
                .is_some_and(|current| key.starts_with(current))
            {
                continue;
            }
            queue.failed.get_or_insert(failed);
            queue.lines.clear();
            queue.uploading = false;
            shared.outbox.idle.notify_all();
            return;
        }
    }
}

/// Refuses a bucket that does not keep versions.
async fn check_versioning(shared: &Shared) -> Result<(), StateError> {
    use std::sync::atomic::Ordering;
    if shared.versioned.load(Ordering::Relaxed) {
        return Ok(());
    }
    let versioning = shared
        .client()
        .get_bucket_versioning()
        .bucket(&shared.bucket)
        .send()
        .await
        .map_err(|e| remote(&shared.location(), "check versioning of", &sdk_error(e)))?;
    if versioning.status() != Some(&BucketVersioningStatus::Enabled) {
        return Err(StateError::VersioningOff {
            bucket: shared.bucket.clone(),
        });
    }
    shared.versioned.store(true, Ordering::Relaxed);
    Ok(())
}

/// Every key under `prefix`.
async fn list_keys(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    location: &str,
) -> Result<Vec<String>, StateError> {
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| remote(location, "read the journal of", &sdk_error(e)))?;
        keys.extend(page.contents().iter().filter_map(|o| o.key().map(str::to_string)));
        token = page.next_continuation_token().map(str::to_string);
        if token.is_none() {
            return Ok(keys);
        }
    }
}

impl S3Backend {
    /// The records in the journal objects `keys`, in the order they were
    /// written, and how many batches (objects) held them.
    fn read_journal(&self, mut keys: Vec<String>) -> Result<(Vec<JournalRecord>, u64), StateError> {
        // Zero-padded numbers: the keys' order is the records'.
        keys.sort();
        self.shared.run("read the journal of", move |shared| {
            let keys = keys.clone();
            async move {
                let (client, bucket, location) = (shared.client(), shared.bucket.clone(), shared.location());
                // Fetched all at once (a journal a killed apply left may hold
                // dozens of batches), then read in order.
                let mut fetching = tokio::task::JoinSet::new();
                for (index, key) in keys.iter().enumerate() {
                    let (client, bucket, key, location) =
                        (client.clone(), bucket.clone(), key.clone(), location.clone());
                    fetching.spawn(async move {
                        let object = client
                            .get_object()
                            .bucket(&bucket)
                            .key(&key)
                            .send()
                            .await
                            .map_err(|e| remote(&location, "read the journal of", &sdk_error(e)))?;
                        let body = object
                            .body
                            .collect()
                            .await
                            .map_err(|e| cut_short(&location, "read the journal of", &e))?;
                        Ok::<_, StateError>((index, body.into_bytes()))
                    });
                }
                let mut bodies = vec![Default::default(); keys.len()];
                while let Some(fetched) = fetching.join_next().await {
                    let (index, body) = fetched.map_err(|e| StateError::Remote {
                        location: location.clone(),
                        doing: "read the journal of",
                        message: format!("the request was lost ({e})"),
                    })??;
                    bodies[index] = body;
                }
                let mut records = Vec::new();
                for (key, body) in keys.iter().zip(&bodies) {
                    // An object is written whole or not at all: a line that does
                    // not parse is damage, not a crash.
                    for (line, text) in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()).enumerate() {
                        let record =
                            serde_json::from_slice(text).map_err(|e| StateError::DamagedJournal {
                                path: PathBuf::from(format!("s3://{bucket}/{key}")),
                                line: line + 1,
                                why: e.to_string(),
                            })?;
                        records.push(record);
                    }
                }
                Ok((records, keys.len() as u64))
            }
        })
    }
}

/// The lock, released (its object deleted, if it still names this drx) when
/// dropped, unless the command's last write released it.
pub struct S3Lock {
    shared: Arc<Shared>,
    holder: LockHolder,
    held: Arc<Held>,
}

impl std::fmt::Debug for S3Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Lock")
            .field("location", &self.shared.location())
            .field("holder", &self.holder)
            .finish()
    }
}

impl S3Lock {
    /// The lock just taken as the object with `etag`; if it does not name
    /// the caller's ARN yet, rewritten with it as soon as STS answers, in
    /// the background. Until then (about one round trip) a drx refused the
    /// lock reads its host, pid, operation and age, not yet its ARN.
    fn name(shared: Arc<Shared>, holder: LockHolder, etag: String) -> S3Lock {
        let unnamed = holder.who.is_none();
        let held = Arc::new(Held::new(
            etag,
            if unnamed { Naming::Asking } else { Naming::Done },
        ));
        if unnamed {
            let (naming, owned, mut named) = (shared.clone(), held.clone(), holder.clone());
            shared.bridge.spawn(async move {
                let (shared, held) = (naming, owned);
                match shared.caller().await {
                    Some(who) => {
                        named.who = Some(who);
                        held.name(&shared, &named).await;
                    }
                    None => *held.phase() = Naming::Done,
                }
            });
        }
        *shared.held.lock().unwrap_or_else(|p| p.into_inner()) = Some(held.clone());
        S3Lock { shared, holder, held }
    }

    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }
}

impl Drop for S3Lock {
    fn drop(&mut self) {
        // Conditional on the object this drx created (or named): a lock
        // force-unlocked and taken by another drx is theirs now, and stays.
        let (shared, held) = (self.shared.clone(), self.held.clone());
        let _ = self.shared.bridge.run(async move { held.release(&shared).await });
        let mut registered = self.shared.held.lock().unwrap_or_else(|p| p.into_inner());
        if registered
            .as_ref()
            .is_some_and(|held| Arc::ptr_eq(held, &self.held))
        {
            *registered = None;
        }
    }
}
