//! The local backend: a JSON file per stack, `.drx/<stack>.state.json`
//! beside the .drx file unless `--state` says otherwise, and its journal,
//! `<stack>.state.journal`, of what happened since it was written whole.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::journal::{self, Header, Recovery};
use super::{FORMAT_VERSION, JournalRecord, Lock, State, StateError, StateStore};

#[derive(Debug, Clone)]
pub struct LocalBackend {
    path: PathBuf,
    /// The journal open for appending since the last write, and what the
    /// last read recovered from a journal.
    journal: Arc<Mutex<Journal>>,
}

#[derive(Debug, Default)]
struct Journal {
    file: Option<std::fs::File>,
    recovered: Option<Recovery>,
}

impl LocalBackend {
    pub fn new(path: PathBuf) -> LocalBackend {
        LocalBackend {
            path,
            journal: Arc::default(),
        }
    }

    pub fn journal_path(&self) -> PathBuf {
        self.path.with_extension("journal")
    }

    /// What the last `read` replayed from a journal an interrupted command
    /// left, if it found one.
    pub fn recovered(&self) -> Option<Recovery> {
        self.journal().recovered.clone()
    }

    fn journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The default place for `stack`'s state, beside `source` (the .drx file).
    pub fn beside(source: &Path, stack: &str) -> LocalBackend {
        let dir = source.parent().unwrap_or_else(|| Path::new("."));
        LocalBackend::new(dir.join(".drx").join(format!("{stack}.state.json")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn lock_path(&self) -> PathBuf {
        super::lock::lock_path(&self.path)
    }

    fn backup_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".backup");
        self.path.with_file_name(name)
    }

    /// Takes the stack's lock, waiting up to `timeout` for a running holder.
    pub fn lock(&self, operation: &str, timeout: std::time::Duration) -> Result<Lock, StateError> {
        Lock::acquire(&self.lock_path(), operation, timeout)
    }

    /// The state with its journal replayed, or `None` if the stack was
    /// never applied.
    pub fn read(&self) -> Result<Option<State>, StateError> {
        let document = self.read_document()?;
        let text = match std::fs::read_to_string(self.journal_path()) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                self.journal().recovered = None;
                return Ok(document);
            }
            Err(source) => {
                return Err(StateError::Read {
                    path: self.journal_path(),
                    source,
                });
            }
        };
        let (header, records, torn) = journal::decode(&text, &self.journal_path())?;
        let foreign = |why: String| StateError::ForeignJournal {
            path: self.journal_path(),
            why,
        };
        let mut state = match document {
            Some(state) if state.lineage != header.lineage => {
                return Err(foreign(format!(
                    "it extends lineage {}, the state is lineage {}",
                    header.lineage, state.lineage
                )));
            }
            // Written whole after the journal's records: they are in it.
            Some(state) if state.serial > header.base_serial => {
                self.journal().recovered = None;
                return Ok(Some(state));
            }
            Some(state) if state.serial < header.base_serial => {
                return Err(foreign(format!(
                    "it extends serial {}, the state is only at serial {}",
                    header.base_serial, state.serial
                )));
            }
            Some(state) => state,
            // The first apply of a stack crashed before writing it whole.
            None => State {
                serial: header.base_serial,
                lineage: header.lineage.clone(),
                ..State::new(&header.stack)
            },
        };
        if state.stack != header.stack {
            return Err(foreign(format!(
                "it is stack {}'s, the state is {}'s",
                header.stack, state.stack
            )));
        }
        journal::replay(&mut state, &records);
        self.journal().recovered = (!records.is_empty() || torn).then_some(Recovery {
            replayed: records.len(),
            torn,
        });
        Ok(Some(state))
    }

    /// The state document alone, as last written whole.
    fn read_document(&self) -> Result<Option<State>, StateError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StateError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        parse_document(&text, &self.path).map(Some)
    }

    /// Writes `state` atomically: the previous file is kept as `.backup`,
    /// the new one is written beside it, flushed to disk, and renamed over
    /// it, so a crash leaves either the old or the new state, never half.
    pub fn write(&self, state: &State) -> Result<(), StateError> {
        let error = |source| StateError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir).map_err(error)?;
        let text = serde_json::to_string_pretty(state).map_err(|e| error(std::io::Error::other(e)))?;

        let temporary = self.path.with_extension(format!("tmp-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temporary).and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()
        });
        if let Err(source) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(error(source));
        }
        if self.path.exists() {
            std::fs::copy(&self.path, self.backup_path()).map_err(error)?;
        }
        std::fs::rename(&temporary, &self.path).map_err(error)?;
        // The rename is durable only once the directory is.
        if let Ok(directory) = std::fs::File::open(dir) {
            let _ = directory.sync_all();
        }
        self.start_journal(state)
    }

    /// An empty journal after `state`, put in place whole (a crash leaves the
    /// old journal, whose records the new state already holds, or the new).
    fn start_journal(&self, state: &State) -> Result<(), StateError> {
        let path = self.journal_path();
        let error = |source| StateError::Write {
            path: path.clone(),
            source,
        };
        let temporary = path.with_extension(format!("journal-tmp-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary).map_err(error)?;
        file.write_all(&journal::encode(&Header::of(state)))
            .and_then(|()| file.sync_all())
            .map_err(error)?;
        std::fs::rename(&temporary, &path).map_err(error)?;
        let mut options = std::fs::OpenOptions::new();
        let file = options.append(true).open(&path).map_err(error)?;
        let mut journal = self.journal();
        journal.file = Some(file);
        journal.recovered = None;
        Ok(())
    }

    /// Moves the state aside, to `<file>.migrated`, after it was moved to
    /// another store: kept as a backup, and no longer where drx looks. The
    /// journal goes with it (its records are in the state that moved).
    pub fn retire(&self) -> Result<PathBuf, StateError> {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".migrated");
        let aside = self.path.with_file_name(name);
        std::fs::rename(&self.path, &aside).map_err(|source| StateError::Write {
            path: self.path.clone(),
            source,
        })?;
        let _ = std::fs::remove_file(self.journal_path());
        Ok(aside)
    }

    /// Appends one record to the journal, flushed to disk before it returns.
    pub fn append(&self, record: &JournalRecord) -> Result<(), StateError> {
        let path = self.journal_path();
        let mut journal = self.journal();
        let Some(file) = journal.file.as_mut() else {
            return Err(StateError::Write {
                path,
                source: std::io::Error::other("the journal is appended to only after the state is written"),
            });
        };
        file.write_all(&journal::encode(record))
            .and_then(|()| file.sync_data())
            .map_err(|source| StateError::Write { path, source })
    }
}

impl StateStore for LocalBackend {
    fn read(&self) -> Result<Option<State>, StateError> {
        LocalBackend::read(self)
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        LocalBackend::write(self, state)
    }

    fn append(&self, record: &JournalRecord) -> Result<(), StateError> {
        LocalBackend::append(self, record)
    }
}

/// A state document's text as a `State`, said to be at `path` in errors: a
/// newer format is refused by its version, a malformed one with its line and
/// column. Every store reads documents through this.
pub fn parse_document(text: &str, path: &Path) -> Result<State, StateError> {
    // The version is checked before the rest, so that a newer format is
    // reported as such rather than as a malformed file.
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(found) = map.get("format_version").and_then(serde_json::Value::as_u64)
        && found != u64::from(FORMAT_VERSION)
    {
        return Err(StateError::UnsupportedVersion {
            path: path.to_path_buf(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
            supported: FORMAT_VERSION,
        });
    }
    serde_json::from_str(text).map_err(|error| StateError::Malformed {
        path: path.to_path_buf(),
        message: error
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or_default()
            .to_string(),
        line: error.line(),
        column: error.column(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_backend_conforms() {
        let dir = tempfile::tempdir().expect("temporary directory");
        super::super::store::conformance(&LocalBackend::new(dir.path().join(".drx/stack.state.json")));
    }

    #[test]
    fn state_round_trips_atomically_with_a_backup_and_owner_only_mode() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join(".drx/stack.state.json"));
        assert_eq!(backend.read().expect("read"), None);
        let mut state = State::new("stack");
        backend.write(&state).expect("write");
        assert_eq!(backend.read().expect("read"), Some(state.clone()));
        state.serial += 1;
        backend.write(&state).expect("write again");
        assert_eq!(backend.read().expect("read").map(|s| s.serial), Some(1));
        let backup: State =
            serde_json::from_str(&std::fs::read_to_string(backend.backup_path()).expect("backup"))
                .expect("json");
        assert_eq!(backup.serial, 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(backend.path())
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join(".drx"))
            .expect("dir")
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().contains("tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary files are left behind");
    }

    #[test]
    fn a_truncated_state_is_a_clear_error_and_is_left_alone() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join("stack.state.json"));
        backend.write(&State::new("stack")).expect("write");
        let text = std::fs::read_to_string(backend.path()).expect("read");
        let truncated = &text[..text.len() / 2];
        std::fs::write(backend.path(), truncated).expect("truncate");
        let error = backend.read().expect_err("malformed");
        let message = error.to_string();
        assert!(matches!(error, StateError::Malformed { .. }), "{error:?}");
        assert!(
            message.contains("is not valid") && message.contains("line"),
            "{message}"
        );
        assert_eq!(
            std::fs::read_to_string(backend.path()).expect("read"),
            truncated,
            "never overwritten"
        );
    }

    fn topic(address: &str) -> crate::model::ResourceState {
        crate::model::ResourceState {
            address: address.into(),
            resource_type: crate::model::resources::ResourceType::SnsTopic,
            region: None,
            physical_id: format!("arn:{address}"),
            attributes: serde_json::json!({ "name": address }),
            outputs: Default::default(),
            depends_on: Vec::new(),
        }
    }

    #[test]
    fn a_crash_mid_record_is_recovered_from_the_journal_and_said() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join("stack.state.json"));
        let state = State::new("stack");
        backend.write(&state).expect("write");
        backend
            .append(&JournalRecord::Applied { resource: topic("a") })
            .expect("append");
        backend
            .append(&JournalRecord::Applied { resource: topic("b") })
            .expect("append");
        // The crash: the last record half written.
        let journal = std::fs::read(backend.journal_path()).expect("journal");
        std::fs::write(backend.journal_path(), &journal[..journal.len() - 10]).expect("tear");
        let document = std::fs::read_to_string(backend.path()).expect("document");

        let fresh = LocalBackend::new(backend.path().to_path_buf());
        let read = fresh.read().expect("recovers").expect("a state");
        assert_eq!(read.resources, vec![topic("a")]);
        assert_eq!(
            fresh.recovered(),
            Some(Recovery {
                replayed: 1,
                torn: true
            })
        );
        assert_eq!(
            std::fs::read_to_string(backend.path()).expect("document"),
            document,
            "reading writes nothing"
        );
    }

    #[test]
    fn a_journal_of_another_history_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join("stack.state.json"));
        backend.write(&State::new("stack")).expect("write");
        backend
            .append(&JournalRecord::Applied { resource: topic("a") })
            .expect("append");
        let journal = std::fs::read(backend.journal_path()).expect("journal");
        // The state is replaced by another stack history's.
        let other = LocalBackend::new(dir.path().join("other.state.json"));
        other.write(&State::new("stack")).expect("write");
        std::fs::copy(other.path(), backend.path()).expect("replace");
        let error = LocalBackend::new(backend.path().to_path_buf())
            .read()
            .expect_err("foreign");
        assert!(matches!(error, StateError::ForeignJournal { .. }), "{error:?}");
        assert!(error.to_string().contains("another history"), "{error}");
        assert_eq!(
            std::fs::read(backend.journal_path()).expect("journal"),
            journal,
            "left as it is"
        );
    }

    #[test]
    fn a_journal_already_compacted_is_not_replayed_twice() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join("stack.state.json"));
        let mut state = State::new("stack");
        backend.write(&state).expect("write");
        backend
            .append(&JournalRecord::Applied { resource: topic("a") })
            .expect("append");
        let old_journal = std::fs::read(backend.journal_path()).expect("journal");
        // Compaction wrote the document, then crashed before the new journal.
        state.resources.push(topic("a"));
        state.serial += 1;
        backend.write(&state).expect("compaction");
        std::fs::write(backend.journal_path(), old_journal).expect("the old journal is back");
        let read = LocalBackend::new(backend.path().to_path_buf())
            .read()
            .expect("reads")
            .expect("state");
        assert_eq!(read, state);
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join("stack.state.json"));
        std::fs::write(backend.path(), r#"{"format_version": 9, "something": "new"}"#).expect("write");
        let error = backend.read().expect_err("unsupported");
        assert!(
            matches!(error, StateError::UnsupportedVersion { found: 9, .. }),
            "{error:?}"
        );
    }
}
