//! A builder for running the real `drx` binary in a scratch directory:
//! `Test::new().file("a.drx", "…").args(["check", "a.drx"]).status(1).stdout("…")`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Test {
    pub fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("a temporary directory"),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// The scratch directory the command runs in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, name: &str, contents: &str) -> Test {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent directory");
        }
        std::fs::write(path, contents).expect("write test file");
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Test {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn run(self) -> Output {
        let output = drx_command(self.dir.path())
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run drx");
        Output {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            dir: self.dir.path().to_path_buf(),
            _dir: self.dir,
        }
    }
}

impl Output {
    pub fn status(self, expected: i32) -> Output {
        assert_eq!(
            self.status, expected,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn stdout(self, expected: &str) -> Output {
        assert_eq!(self.stdout, expected, "stdout\nstderr:\n{}", self.stderr);
        self
    }

    pub fn stderr(self, expected: &str) -> Output {
        assert_eq!(self.stderr, expected, "stderr\nstdout:\n{}", self.stdout);
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).expect("read output file")
    }
}

/// `drx` with a clean, deterministic environment: no colour, no user
/// configuration, and no `ENVIRONMENT_SUFFIX` leaking in from the shell.
pub fn drx_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_drx"));
    command
        .current_dir(dir)
        .env_remove("ENVIRONMENT_SUFFIX")
        .env("NO_COLOR", "1")
        .env("HOME", dir);
    command
}

/// The repository root, where `examples/` and `tests/cases/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
