//! Function code as Lambda receives it: a zip. A Cargo package is built (its
//! `bootstrap` binary), a directory is zipped, a `.zip` is taken as is.
//!
//! Zips are deterministic — entries sorted, timestamps fixed, permissions
//! fixed — so the same code always gives the same bytes and code hash.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

/// A packaged function: the zip and its SHA-256 (base64 is what Lambda reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub zip: Vec<u8>,
    pub sha256: String,
}

/// Packages the code at `path`; `profile` is the Cargo profile for packages,
/// `architecture` the function's (`arm64` or `x86_64`), `runtime` its
/// runtime, whose glibc a built bootstrap must not outgrow.
pub fn package(path: &Path, profile: &str, architecture: &str, runtime: &str) -> Result<Package, String> {
    let zip = if path.is_file() {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    } else if path.join("Cargo.toml").is_file() {
        let binary = build(path, profile, architecture)?;
        let contents =
            std::fs::read(&binary).map_err(|e| format!("cannot read {}: {e}", binary.display()))?;
        super::glibc::check(&binary.display().to_string(), &contents, runtime, architecture)?;
        zipped_binary(&binary)?
    } else if path.is_dir() {
        let mut files = Vec::new();
        collect(path, path, &mut files)?;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        zip_entries(files)?
    } else {
        return Err(format!("{} does not exist", path.display()));
    };
    let sha256 = hex::encode(Sha256::digest(&zip));
    Ok(Package { zip, sha256 })
}

/// The Rust target for a Lambda architecture, when it is not this machine's.
fn cross_target(architecture: &str) -> Option<&'static str> {
    let wanted = if architecture == "arm64" {
        "aarch64"
    } else {
        "x86_64"
    };
    (wanted != std::env::consts::ARCH).then_some(if wanted == "aarch64" {
        "aarch64-unknown-linux-gnu"
    } else {
        "x86_64-unknown-linux-gnu"
    })
}

/// `cargo build` of the package's `bootstrap` binary, for the function's
/// architecture; its path from Cargo's own report, so workspace target
/// directories are found.
fn build(path: &Path, profile: &str, architecture: &str) -> Result<PathBuf, String> {
    let manifest = path.join("Cargo.toml");
    let mut command = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["build", "--quiet", "--bin", "bootstrap", "--profile", profile])
        .args(["--message-format", "json-render-diagnostics", "--manifest-path"])
        .arg(&manifest);
    if let Some(target) = cross_target(architecture) {
        // Needs the target (`rustup target add`) and a linker for it.
        command.args(["--target", target]);
    }
    let output = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "building {} failed:\n{}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-artifact" && message["target"]["name"] == "bootstrap"
        })
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo built no `bootstrap` binary in {}", manifest.display()))
}

/// The zip of a built `bootstrap`. It is kept beside the binary with the
/// binary's size and modification time (what Cargo itself trusts) and the
/// zip's SHA-256, so an unchanged build is not compressed again: deflating a
/// debug build's tens of MB takes longer than everything else a function's
/// creation waits for.
fn zipped_binary(binary: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(binary).map_err(|e| format!("cannot read {}: {e}", binary.display()))?;
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    let key = format!("drx-zip-1 {} {modified}", metadata.len());
    let mut cache = binary.as_os_str().to_owned();
    cache.push(".drx.zip");
    let cache = PathBuf::from(cache);
    if let Some(zip) = cached(&cache, &key) {
        return Ok(zip);
    }
    let contents = std::fs::read(binary).map_err(|e| format!("cannot read {}: {e}", binary.display()))?;
    let zip = zip_entries(vec![("bootstrap".to_string(), contents, 0o755)])?;
    // A cache that cannot be written only costs the next apply some time.
    let mut entry = format!("{key} {}\n", hex::encode(Sha256::digest(&zip))).into_bytes();
    entry.extend_from_slice(&zip);
    let mut temporary = cache.as_os_str().to_owned();
    temporary.push(format!(".{}", std::process::id()));
    if std::fs::write(&temporary, &entry).is_ok() && std::fs::rename(&temporary, &cache).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    Ok(zip)
}

/// The cached zip, if it was made from the binary `key` describes and is whole.
fn cached(cache: &Path, key: &str) -> Option<Vec<u8>> {
    let entry = std::fs::read(cache).ok()?;
    let newline = entry.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&entry[..newline]).ok()?;
    let (header_key, sha256) = header.rsplit_once(' ')?;
    let zip = &entry[newline + 1..];
    (header_key == key && hex::encode(Sha256::digest(zip)) == sha256).then(|| zip.to_vec())
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>, u32)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
            let contents =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, contents, 0o644));
        }
    }
    Ok(())
}

fn zip_entries(files: Vec<(String, Vec<u8>, u32)>) -> Result<Vec<u8>, String> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, contents, mode) in files {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        writer.start_file(name, options).map_err(|e| e.to_string())?;
        writer.write_all(&contents).map_err(|e| e.to_string())?;
    }
    let cursor = writer.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::{package, zipped_binary};

    #[test]
    fn a_built_binary_is_zipped_once_until_it_changes() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let binary = dir.path().join("bootstrap");
        std::fs::write(&binary, b"first build").expect("write");
        let first = zipped_binary(&binary).expect("zip");
        let cache = dir.path().join("bootstrap.drx.zip");
        let entry = std::fs::read(&cache).expect("the zip is kept beside the binary");
        assert!(entry.ends_with(&first));

        // The kept zip is what the next package returns: prove it by keeping
        // a different (whole, correctly hashed) zip under the same key.
        let other = super::zip_entries(vec![("bootstrap".into(), b"kept".to_vec(), 0o755)]).expect("zip");
        let header =
            String::from_utf8_lossy(&entry[..entry.iter().position(|&b| b == b'\n').expect("header")])
                .into_owned();
        let key = header.rsplit_once(' ').expect("key and hash").0;
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&other));
        let mut kept = format!("{key} {sha}\n").into_bytes();
        kept.extend_from_slice(&other);
        std::fs::write(&cache, &kept).expect("write");
        assert_eq!(zipped_binary(&binary).expect("zip"), other);

        // A damaged cache is not trusted.
        std::fs::write(&cache, &kept[..kept.len() - 3]).expect("truncate");
        assert_eq!(zipped_binary(&binary).expect("zip"), first);

        // A new build (another size) is zipped again.
        std::fs::write(&binary, b"second, longer build").expect("write");
        let second = zipped_binary(&binary).expect("zip");
        assert_ne!(second, first);
        assert_ne!(second, other);
    }

    #[test]
    fn zips_are_deterministic_and_follow_the_code() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("handler.py"), "def handler(e, c): return 1").expect("write");
        std::fs::create_dir_all(dir.path().join("lib")).expect("mkdir");
        std::fs::write(dir.path().join("lib/util.py"), "X = 1").expect("write");
        let first = package(dir.path(), "dev", "x86_64", "provided.al2023").expect("package");
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = package(dir.path(), "dev", "x86_64", "provided.al2023").expect("package");
        assert_eq!(first, second, "same code, same bytes");
        std::fs::write(dir.path().join("lib/util.py"), "X = 2").expect("write");
        assert_ne!(
            package(dir.path(), "dev", "x86_64", "provided.al2023")
                .expect("package")
                .sha256,
            first.sha256
        );
        assert!(package(&dir.path().join("missing"), "dev", "x86_64", "provided.al2023").is_err());
    }
}
