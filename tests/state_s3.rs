//! State in S3 (`--state s3://BUCKET/KEY`), against the emulator: the store
//! passes the suite every store passes; racing conditional writes have one
//! winner; a lock names its holder and a dead holder's lock is released with
//! the command the refusal prints; a writer whose lock was broken cannot
//! overwrite the newer state; and a team shares one stack from two checkouts.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::apply::*;
use crate::apply_read_back::assert_nothing_left;
use crate::apply_read_back::inventory;
use crate::aws::Aws;
use crate::crash_trials::recorded_in;

fn s3_client(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

/// A bucket that keeps versions, as a team's state bucket must.
pub(crate) async fn state_bucket(aws: &Aws) -> String {
    aws.versioned_bucket(&aws.name("state"), "us-east-1").await
}

/// The store at `key`, opened as this test's caller.
async fn open(aws: &Aws, bucket: &str, key: &str) -> drx::aws::S3Backend {
    let config = aws.config("us-east-1").await;
    let (bucket, key) = (bucket.to_string(), key.to_string());
    tokio::task::spawn_blocking(move || {
        drx::aws::S3Backend::open_with(drx::aws::Aws::with_config(config), &bucket, &key, None)
            .expect("opens")
    })
    .await
    .expect("opened")
}

#[tokio::test]
async fn the_s3_store_passes_the_store_conformance_suite() {
    let aws = Aws::new("state_s3_conformance");
    let bucket = state_bucket(&aws).await;
    let store = open(&aws, &bucket, "stacks/conformance.state").await;
    tokio::task::spawn_blocking(move || drx::state::conformance(&store))
        .await
        .expect("the suite passes");
}

#[tokio::test]
async fn a_bucket_without_versions_or_a_missing_one_is_refused_clearly() {
    let aws = Aws::new("state_s3_refused");
    let bucket = aws.name("plain");
    let config = aws.config("us-east-1").await;
    s3_client(&config)
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let missing = aws.name("missing");
    let (refused, absent) = tokio::task::spawn_blocking(move || {
        use drx::state::StateStore;
        let open = |bucket: &str| {
            drx::aws::S3Backend::open_with(drx::aws::Aws::with_config(config.clone()), bucket, "s", None)
        };
        // Versioning is checked with the first request that needs it.
        let unversioned = open(&bucket).expect("opens");
        let refused = unversioned.read().expect_err("refused").to_string();
        let locked = unversioned
            .lock("apply", Duration::ZERO)
            .expect_err("refused")
            .to_string();
        assert_eq!(refused, locked);
        // Nothing is asked of S3 before the first request, which finds no
        // bucket.
        let absent = open(&missing).expect("opens");
        let unread = absent.read().expect_err("refused").to_string();
        let unlocked = absent
            .lock("apply", Duration::ZERO)
            .expect_err("refused")
            .to_string();
        assert!(unlocked.contains("does not exist"), "{unlocked}");
        (refused, unread)
    })
    .await
    .expect("ran");
    assert!(
        refused.contains("does not keep object versions") && refused.contains("put-bucket-versioning"),
        "{refused}"
    );
    assert!(absent.contains("does not exist"), "{absent}");
}

#[tokio::test]
async fn racing_conditional_writes_have_exactly_one_winner() {
    let aws = Aws::new("state_s3_race");
    let bucket = state_bucket(&aws).await;
    let s3 = s3_client(&aws.config("us-east-1").await);
    // Each body differs from every other (an ETag is the body's MD5: a
    // writer of the same bytes would leave the ETag, and the condition, as
    // they were).
    let put = |s3: aws_sdk_s3::Client, bucket: String, etag: Option<String>, i: usize| async move {
        let mut request =
            s3.put_object()
                .bucket(bucket)
                .key("race")
                .body(aws_sdk_s3::primitives::ByteStream::from(
                    format!("writer {i} after {etag:?}").into_bytes(),
                ));
        request = match etag {
            Some(etag) => request.if_match(etag),
            None => request.if_none_match("*"),
        };
        match request.send().await {
            Ok(put) => Ok(put.e_tag().unwrap_or_default().to_string()),
            Err(error) => Err(error.raw_response().map(|r| r.status().as_u16())),
        }
    };
    for etag in [None, Some("the first winner's".to_string())] {
        let etag = match etag {
            None => None,
            Some(_) => Some(
                s3.head_object()
                    .bucket(&bucket)
                    .key("race")
                    .send()
                    .await
                    .expect("head")
                    .e_tag()
                    .unwrap_or_default()
                    .to_string(),
            ),
        };
        let racers: Vec<_> = (0..8)
            .map(|i| tokio::spawn(put(s3.clone(), bucket.clone(), etag.clone(), i)))
            .collect();
        let mut outcomes = Vec::new();
        for racer in racers {
            outcomes.push(racer.await.expect("ran"));
        }
        let winners = outcomes.iter().filter(|o| o.is_ok()).count();
        let refused = outcomes.iter().filter(|o| matches!(o, Err(Some(412)))).count();
        assert_eq!((winners, refused), (1, 7), "{etag:?}: {outcomes:?}");
    }
}

#[tokio::test]
async fn a_writer_whose_lock_was_broken_cannot_overwrite_the_newer_state() {
    let aws = Aws::new("state_s3_broken_lock");
    let bucket = state_bucket(&aws).await;
    let first = open(&aws, &bucket, "stack.state").await;
    let second = open(&aws, &bucket, "stack.state").await;
    tokio::task::spawn_blocking(move || {
        use drx::state::{State, StateStore};
        assert_eq!(first.read().expect("reads"), None);
        let held = first.lock("apply", Duration::ZERO).expect("locks");
        let mut state = State::new("stack");
        state.serial = 1;
        first.write(&state).expect("first write");

        // The first drx looks dead to the second: its lock is refused, with
        // the command that releases it.
        let refused = second
            .lock("apply", Duration::ZERO)
            .expect_err("locked")
            .to_string();
        let command = format!(
            "drx force-unlock {} --state {}",
            held.holder().id,
            second.location()
        );
        assert!(refused.contains(&command), "{refused}");
        assert!(refused.contains("is locked by apply"), "{refused}");
        second.force_unlock(&held.holder().id).expect("released");
        let _taken = second.lock("apply", Duration::ZERO).expect("now free");
        let mut newer = second.read().expect("reads").expect("a state");
        newer.serial += 1;
        newer.account_id = Some("the second writer's".into());
        second.write(&newer).expect("second writer writes");

        // The first still thinks it holds the lock.
        state.serial = 2;
        let conflict = first.write(&state).expect_err("refused").to_string();
        assert!(conflict.contains("nothing was overwritten"), "{conflict}");
        let kept = second.read().expect("reads").expect("a state");
        assert_eq!(kept.account_id.as_deref(), Some("the second writer's"));
        // Dropping the first's lock leaves the second's alone.
        drop(held);
        assert!(
            first.lock("plan", Duration::ZERO).is_err(),
            "the second drx still holds the lock"
        );
    })
    .await
    .expect("passes");
}

/// A lock waited for is read afresh: the document fetched alongside the
/// first, refused attempt is older than what the holder writes before it
/// lets go.
#[tokio::test]
async fn a_lock_waited_for_reads_what_its_holder_wrote_last() {
    let aws = Aws::new("state_s3_waited_lock");
    let bucket = state_bucket(&aws).await;
    let holder = open(&aws, &bucket, "stack.state").await;
    let waiter = open(&aws, &bucket, "stack.state").await;
    tokio::task::spawn_blocking(move || {
        use drx::state::{State, StateStore};
        let held = holder.lock("apply", Duration::ZERO).expect("locks");
        assert_eq!(holder.read().expect("reads"), None);
        let waiting = std::thread::spawn(move || {
            let lock = waiter.lock("apply", Duration::from_secs(20)).expect("waited for");
            let state = waiter.read().expect("reads");
            (lock, state)
        });
        std::thread::sleep(Duration::from_millis(1500));
        let mut state = State::new("stack");
        state.serial = 7;
        holder.write(&state).expect("writes");
        drop(held);
        let (_lock, read) = waiting.join().expect("the waiter");
        assert_eq!(read.map(|state| state.serial), Some(7));
    })
    .await
    .expect("passes");
}

/// The command's last write lets go of the lock in the same round trip: the
/// lock is free before the command drops it, and dropping it then leaves a
/// newer holder's alone. The journal that write compacted is deleted by the
/// next command to read the state under the lock.
#[tokio::test]
async fn the_last_write_lets_go_of_the_lock_and_the_next_reader_tidies() {
    let aws = Aws::new("state_s3_last_write");
    let bucket = state_bucket(&aws).await;
    let s3 = s3_client(&aws.config("us-east-1").await);
    let first = open(&aws, &bucket, "stack.state").await;
    let second = open(&aws, &bucket, "stack.state").await;
    let (second, taken) = tokio::task::spawn_blocking(move || {
        use drx::state::{JournalRecord, State, StateStore};
        let held = first.lock("apply", Duration::ZERO).expect("locks");
        assert_eq!(first.read().expect("reads"), None);
        let mut state = State::new("stack");
        state.serial = 1;
        first.write(&state).expect("writes");
        let account = "111111111111".to_string();
        first
            .append(&JournalRecord::Account {
                account_id: account.clone(),
            })
            .expect("journals");
        let read = first.read().expect("reads").expect("a state");
        assert_eq!(
            read.account_id.as_ref(),
            Some(&account),
            "the record was journaled"
        );
        state.serial = 2;
        state.account_id = Some(account);
        first.write_last(&state).expect("the last write");
        let taken = second
            .lock("plan", Duration::ZERO)
            .expect("free as soon as the last write returns");
        drop(held);
        drop(first);
        (second, taken)
    })
    .await
    .expect("passes");
    assert_eq!(
        objects(&s3, &bucket, "stack.state.lock").await.len(),
        1,
        "the first drx's drop left the second's lock alone"
    );
    assert!(
        !objects(&s3, &bucket, "stack.state.journal/").await.is_empty(),
        "the compacted journal is left for the next reader"
    );
    tokio::task::spawn_blocking(move || {
        use drx::state::StateStore;
        let read = second.read().expect("reads").expect("a state");
        assert_eq!(read.serial, 2);
        drop(taken);
        drop(second);
    })
    .await
    .expect("passes");
    assert!(objects(&s3, &bucket, "stack.state.journal/").await.is_empty());
    assert!(objects(&s3, &bucket, "stack.state.lock").await.is_empty());
}

/// The race the last write's release opens: it reaches S3 before the write,
/// and another drx takes the lock and fetches the document in between. That
/// document has journal records after it, so the taker reads it once more
/// and works from the newer one — its writes are not refused.
#[tokio::test]
async fn a_lock_taken_as_its_last_holder_writes_reads_the_newer_document() {
    let aws = Aws::new("state_s3_release_race");
    let bucket = state_bucket(&aws).await;
    let s3 = s3_client(&aws.config("us-east-1").await);
    let holder = open(&aws, &bucket, "stack.state").await;
    let taker = open(&aws, &bucket, "stack.state").await;
    let (holder, held) = tokio::task::spawn_blocking(move || {
        use drx::state::{JournalRecord, State, StateStore};
        let held = holder.lock("apply", Duration::ZERO).expect("locks");
        assert_eq!(holder.read().expect("reads"), None);
        let mut state = State::new("stack");
        state.serial = 1;
        holder.write(&state).expect("writes");
        holder
            .append(&JournalRecord::Account {
                account_id: "111111111111".into(),
            })
            .expect("journals");
        holder.read().expect("the record is uploaded");
        (holder, held)
    })
    .await
    .expect("passes");
    // The release lands first.
    s3.delete_object()
        .bucket(&bucket)
        .key("stack.state.lock")
        .send()
        .await
        .expect("released");
    tokio::task::spawn_blocking(move || {
        use drx::state::{State, StateStore};
        let taken = taker.lock("apply", Duration::ZERO).expect("free");
        // The write lands after the taker fetched the document with its lock.
        let mut last = State::new("stack");
        last.serial = 2;
        last.account_id = Some("222222222222".into());
        let lineage = holder.read().expect("reads").expect("a state").lineage;
        last.lineage = lineage;
        holder.write_last(&last).expect("the last write");
        let read = taker.read().expect("reads").expect("a state");
        assert_eq!(
            (read.serial, read.account_id.as_deref()),
            (2, Some("222222222222")),
            "the taker works from the document written last"
        );
        let mut next = read.clone();
        next.serial = 3;
        taker.write(&next).expect("not refused");
        drop(taken);
        drop(held);
    })
    .await
    .expect("passes");
}

/// The lock is named with the caller's ARN only if STS answers first: a
/// command that ends while STS hangs lets go of its lock at once.
#[tokio::test]
async fn a_lock_is_released_without_waiting_for_sts() {
    let aws = Aws::new("state_s3_sts_hangs");
    let bucket = state_bucket(&aws).await;
    let s3 = s3_client(&aws.config("us-east-1").await);
    aws.inject(serde_json::json!({ "service": "sts", "delay_ms": 20_000 }));
    let store = open(&aws, &bucket, "stack.state").await;
    let released = tokio::task::spawn_blocking(move || {
        let lock = store.lock("apply", Duration::ZERO).expect("locks");
        let releasing = std::time::Instant::now();
        drop(lock);
        let released = releasing.elapsed();
        drop(store);
        released
    })
    .await
    .expect("passes");
    assert!(
        released < Duration::from_secs(10),
        "the release waited {released:?} for STS"
    );
    assert!(
        objects(&s3, &bucket, "stack.state.lock").await.is_empty(),
        "released"
    );
    aws.clear_faults();
}

/// The bucket's region is found, not assumed: a drx configured for
/// us-east-1 addresses a state bucket in us-east-2 there after S3's
/// redirect (asking where it is once), and every later request goes
/// straight to it. The lock, taken before STS answered, names the caller's
/// ARN right after.
#[tokio::test]
async fn a_bucket_in_another_region_is_found_and_the_lock_names_its_caller() {
    let aws = Aws::new("state_s3_elsewhere");
    let bucket = aws.versioned_bucket(&aws.name("state"), "us-east-2").await;
    let s3 = aws.s3("us-east-2").await;
    let store = open(&aws, &bucket, "stack.state").await;
    let lock = tokio::task::spawn_blocking(move || {
        use drx::state::{State, StateStore};
        let lock = store.lock("apply", Duration::ZERO).expect("locks");
        assert_eq!(store.read().expect("reads"), None);
        store.write(&State::new("stack")).expect("writes");
        (store, lock)
    })
    .await
    .expect("passes");
    let asked = aws.requests();
    assert_eq!(
        asked["operations"]["s3:GetBucketLocation"], 1,
        "the region asked once, after the redirect: {asked}"
    );
    let written = s3
        .get_object()
        .bucket(&bucket)
        .key("stack.state")
        .send()
        .await
        .expect("the state is in the bucket's region");
    assert!(written.e_tag().is_some());
    let named = crate::aws::eventually(5, || async {
        let object = s3
            .get_object()
            .bucket(&bucket)
            .key("stack.state.lock")
            .send()
            .await
            .ok()?;
        let body = object.body.collect().await.ok()?.into_bytes();
        let holder: serde_json::Value = serde_json::from_slice(&body).ok()?;
        holder["who"].as_str().map(str::to_string)
    })
    .await;
    assert!(
        named.as_deref().is_some_and(|who| who.starts_with("arn:aws:")),
        "the lock never named its caller: {named:?}"
    );
    tokio::task::spawn_blocking(move || drop(lock))
        .await
        .expect("released");
    let listed = s3
        .list_objects_v2()
        .bucket(&bucket)
        .prefix("stack.state.lock")
        .send()
        .await
        .expect("list");
    assert!(listed.contents().is_empty(), "the named lock is released");
}

/// drx as this test's caller, in `dir`, on the state in S3.
fn team(aws: &Aws, suffix: &str, dir: &Path, location: &str, args: &[&str]) -> Command {
    let mut command = as_caller(aws, suffix, dir, args);
    command
        .arg("--state")
        .arg(location)
        .arg(dir.join("examples/payments.drx"));
    command
}

async fn objects(s3: &aws_sdk_s3::Client, bucket: &str, prefix: &str) -> Vec<String> {
    s3.list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .send()
        .await
        .expect("list")
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect()
}

async fn state_in(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> serde_json::Value {
    let object = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .expect("state object");
    let body = object.body.collect().await.expect("body").into_bytes();
    serde_json::from_slice(&body).expect("json")
}

#[tokio::test]
async fn a_team_shares_one_stack_in_s3() {
    let aws = Aws::new("state_s3_team");
    let suffix = suffix(&aws);
    let bucket = state_bucket(&aws).await;
    let key = "payments/prod.state";
    let location = format!("s3://{bucket}/{key}");
    let s3 = s3_client(&aws.config("us-east-1").await);
    let (mine, theirs) = (project(&example()), project(&example()));
    let run = |dir: &Path, args: &[&str]| ran(team(&aws, &suffix, dir, &location, args));

    // Killed mid-apply: the lock in S3 outlives it.
    aws.inject(serde_json::json!({ "delay_ms": 60 }));
    let mut apply = team(&aws, &suffix, mine.path(), &location, APPLY)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start drx");
    for _ in 0..400 {
        if objects(&s3, &bucket, &format!("{key}.journal/")).await.len() >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    apply.kill().expect("kill -9");
    apply.wait().expect("reaped");
    aws.clear_faults();

    // The other checkout is refused, told exactly how to release the lock.
    let refused = run(theirs.path(), APPLY);
    assert_eq!(refused.status, 1, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("is locked by apply"),
        "{}",
        refused.stderr
    );
    let command = refused
        .stderr
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("drx force-unlock "))
        .unwrap_or_else(|| panic!("no force-unlock command in:\n{}", refused.stderr))
        .to_string();
    let id = command.split_whitespace().nth(2).expect("lock id").to_string();
    let unlocked = ran(team(
        &aws,
        &suffix,
        theirs.path(),
        &location,
        &["force-unlock", &id],
    ));
    assert_eq!(unlocked.status, 0, "{}", unlocked.stderr);
    assert!(unlocked.stdout.contains("Released lock"), "{}", unlocked.stdout);

    // It converges from what the journal in S3 kept: nothing made twice.
    let finished = run(theirs.path(), APPLY);
    assert_eq!(finished.status, 0, "{}\n{}", finished.stdout, finished.stderr);
    assert!(finished.stderr.contains("note: recovered"), "{}", finished.stderr);
    let state = state_in(&s3, &bucket, key).await;
    assert_eq!(
        inventory(&aws, &suffix).await,
        recorded_in(&state),
        "AWS is what the state records"
    );
    assert!(
        !theirs.path().join(".drx").exists() && !theirs.path().join("state.json").exists(),
        "nothing is kept locally"
    );
    // Compacted into the document, the killed apply's batches are gone
    // (read back, then deleted by key); this apply's own, compacted by the
    // write that let go of the lock, are left for the next command.
    let left = objects(&s3, &bucket, &format!("{key}.journal/")).await;
    let lineage = state["lineage"].as_str().expect("a lineage");
    let serial = state["serial"].as_u64().expect("a serial");
    assert!(!left.is_empty(), "the finishing apply journaled nothing");
    for object in &left {
        let written: u64 = object
            .trim_start_matches(&format!("{key}.journal/{lineage}/"))
            .split('/')
            .next()
            .and_then(|serial| serial.parse().ok())
            .unwrap_or_else(|| panic!("not this history's journal: {object}"));
        assert!(written < serial, "{object} is not compacted into serial {serial}");
    }

    // The first checkout, with no local state, sees the stack as applied;
    // it deletes the journal compacted before it.
    let plan = run(mine.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}\n{}", plan.stdout, plan.stderr);
    let left = objects(&s3, &bucket, &format!("{key}.journal/")).await;
    assert!(left.is_empty(), "journal objects left: {left:?}");

    // Two applies at once: exactly one runs.
    aws.inject(serde_json::json!({ "delay_ms": 100 }));
    let replace = [
        "apply",
        "--auto-approve",
        "--cargo-profile",
        "dev",
        "--replace",
        "failover_alerts.topic@us-east-1",
    ];
    let first = team(&aws, &suffix, mine.path(), &location, &replace)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start drx");
    for _ in 0..400 {
        if !objects(&s3, &bucket, &format!("{key}.lock")).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second = run(theirs.path(), &replace);
    let first = first.wait_with_output().expect("first ends");
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(second.status, 1, "{}", second.stdout);
    assert!(second.stderr.contains("is locked by apply"), "{}", second.stderr);
    aws.clear_faults();
    assert!(
        objects(&s3, &bucket, &format!("{key}.lock")).await.is_empty(),
        "the lock is released when the command ends"
    );

    let destroyed = run(mine.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}\n{}", destroyed.stdout, destroyed.stderr);
    assert_nothing_left(&aws, &suffix).await;
    assert!(inventory(&aws, &suffix).await.is_empty());
    // Every object drx wrote is encrypted at rest.
    for object in objects(&s3, &bucket, "payments/").await {
        let head = s3
            .head_object()
            .bucket(&bucket)
            .key(&object)
            .send()
            .await
            .expect("head");
        assert_eq!(
            head.server_side_encryption(),
            Some(&aws_sdk_s3::types::ServerSideEncryption::Aes256),
            "{object}"
        );
    }
}

#[tokio::test]
async fn a_stack_moves_to_s3_and_back_and_is_pushed_and_pulled() {
    let aws = Aws::new("state_s3_migrate");
    let suffix = suffix(&aws);
    let bucket = state_bucket(&aws).await;
    let key = "payments/moved.state";
    let location = format!("s3://{bucket}/{key}");
    let s3 = s3_client(&aws.config("us-east-1").await);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);

    // Local → S3: the old file is kept aside, and the stack is whole there.
    let moved = drx(
        &aws,
        &suffix,
        dir.path(),
        &["state", "migrate", "--to", &location],
    );
    assert_eq!(moved.status, 0, "{}", moved.stderr);
    assert!(
        moved.stdout.contains(&format!("to {location}")),
        "{}",
        moved.stdout
    );
    assert!(!dir.path().join("state.json").exists());
    assert!(dir.path().join("state.json.migrated").exists());
    let run = |args: &[&str]| ran(team(&aws, &suffix, dir.path(), &location, args));
    let plan = run(&["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}\n{}", plan.stdout, plan.stderr);
    let again = drx(
        &aws,
        &suffix,
        dir.path(),
        &["state", "migrate", "--to", &location],
    );
    assert_eq!(again.status, 1, "nothing left to move: {}", again.stdout);

    // The place can be declared in the file instead of passed.
    let declared = dir.path().join("examples/declared.drx");
    let text = std::fs::read_to_string(dir.path().join("examples/payments.drx")).expect("read");
    std::fs::write(
        &declared,
        text.replacen(
            "topology payment {",
            &format!("topology payment {{\n  state \"{location}\""),
            1,
        ),
    )
    .expect("write");
    let mut planned = as_caller(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    planned.arg(&declared);
    let planned = ran(planned);
    assert_eq!(planned.status, 0, "{}\n{}", planned.stdout, planned.stderr);

    // Pull, and push back: an older serial or another lineage is refused.
    let pulled = run(&["state", "pull"]);
    assert_eq!(pulled.status, 0, "{}", pulled.stderr);
    let mut state: serde_json::Value = serde_json::from_str(&pulled.stdout).expect("json");
    assert_eq!(state["resources"].as_array().map(Vec::len), Some(61));
    let serial = state["serial"].as_u64().expect("serial");
    state["serial"] = serde_json::json!(serial - 1);
    let older = dir.path().join("older.json");
    std::fs::write(&older, state.to_string()).expect("write");
    let refused = run(&["state", "push", older.to_str().expect("utf-8")]);
    assert_eq!(refused.status, 1, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("older than the state's"),
        "{}",
        refused.stderr
    );
    let forced = run(&["state", "push", "--force", older.to_str().expect("utf-8")]);
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    let pushed = state_in(&s3, &bucket, key).await;
    assert_eq!(
        pushed["serial"].as_u64(),
        Some(serial + 1),
        "a push moves the serial on"
    );
    state["lineage"] = serde_json::json!("another-history");
    let foreign = dir.path().join("foreign.json");
    std::fs::write(&foreign, state.to_string()).expect("write");
    let refused = run(&["state", "push", foreign.to_str().expect("utf-8")]);
    assert_eq!(refused.status, 1);
    assert!(
        refused.stderr.contains("another stack's history"),
        "{}",
        refused.stderr
    );

    // S3 → local: the object is kept aside in the bucket.
    let local = dir.path().join("back.json");
    let back = run(&["state", "migrate", "--to", local.to_str().expect("utf-8")]);
    assert_eq!(back.status, 0, "{}", back.stderr);
    assert!(!objects(&s3, &bucket, &format!("{key}.migrated")).await.is_empty());
    let mut plan = as_caller(
        &aws,
        &suffix,
        dir.path(),
        &["plan", "--detailed-exitcode", "--state"],
    );
    plan.arg(&local).arg(dir.path().join("examples/payments.drx"));
    let plan = ran(plan);
    assert_eq!(plan.status, 0, "{}\n{}", plan.stdout, plan.stderr);
    std::fs::rename(&local, dir.path().join("state.json")).expect("move back");
    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
    assert_nothing_left(&aws, &suffix).await;
}

/// Each way S3 can fail is a clear message that says what to do, and the
/// state is left as it was.
#[tokio::test]
async fn s3_failures_are_clear_and_change_nothing() {
    let aws = Aws::new("state_s3_failures");
    let suffix = suffix(&aws);
    let bucket = state_bucket(&aws).await;
    let key = "payments/failing.state";
    let location = format!("s3://{bucket}/{key}");
    let s3 = s3_client(&aws.config("us-east-1").await);
    let dir = project(&example());
    let run = |args: &[&str]| ran(team(&aws, &suffix, dir.path(), &location, args));
    let applied = run(APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    let before = state_in(&s3, &bucket, key).await;

    aws.inject(serde_json::json!({ "service": "s3", "error_rate": 1.0, "error": "access_denied" }));
    let denied = run(&["plan"]);
    assert_eq!(denied.status, 1);
    assert!(
        denied.stderr.contains("access denied") && denied.stderr.contains("s3:PutObject"),
        "{}",
        denied.stderr
    );
    aws.clear_faults();

    aws.inject(serde_json::json!({ "service": "s3", "error_rate": 1.0, "error": "throttling" }));
    let throttled = run(&["plan"]);
    assert_eq!(throttled.status, 1);
    assert!(
        throttled.stderr.contains("slowing requests down"),
        "{}",
        throttled.stderr
    );
    aws.clear_faults();

    // Nothing answers where S3 should be.
    let unreachable = ran({
        let mut command = team(&aws, &suffix, dir.path(), &location, &["plan"]);
        command.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        command
    });
    assert_eq!(unreachable.status, 1);
    assert!(
        unreachable.stderr.contains("could not be reached"),
        "{}",
        unreachable.stderr
    );

    assert_eq!(
        state_in(&s3, &bucket, key).await,
        before,
        "the state is as it was"
    );
    assert!(
        objects(&s3, &bucket, &format!("{key}.lock")).await.is_empty(),
        "no lock is left behind"
    );
    let destroyed = run(DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
}
