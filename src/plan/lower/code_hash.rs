//! A content hash of a function's source, so that the plan shows a code
//! update exactly when the code changed.

use std::path::Path;

use sha2::{Digest, Sha256};

/// SHA-256 over every file under `path` (or of `path` itself): each file's
/// relative path and contents, in sorted order. Build output (`target/`) and
/// hidden entries are not source and are skipped.
pub(crate) fn source_hash(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let metadata = std::fs::metadata(path)?;
    if metadata.is_file() {
        hasher.update(std::fs::read(path)?);
    } else {
        let mut files = Vec::new();
        collect(path, path, &mut files)?;
        files.sort();
        for relative in files {
            let contents = std::fs::read(path.join(&relative))?;
            hasher.update(relative.as_bytes());
            hasher.update([0]);
            hasher.update((contents.len() as u64).to_le_bytes());
            hasher.update(&contents);
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, files)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::source_hash;

    #[test]
    fn the_hash_follows_contents_not_build_output() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(dir.path().join("src")).expect("mkdir");
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}").expect("write");
        let first = source_hash(dir.path()).expect("hash");
        std::fs::create_dir_all(dir.path().join("target")).expect("mkdir");
        std::fs::write(dir.path().join("target/bootstrap"), "binary").expect("write");
        assert_eq!(
            source_hash(dir.path()).expect("hash"),
            first,
            "target/ is ignored"
        );
        std::fs::write(dir.path().join("src/main.rs"), "fn main() { }").expect("write");
        assert_ne!(
            source_hash(dir.path()).expect("hash"),
            first,
            "a source change changes the hash"
        );
        assert!(source_hash(&dir.path().join("missing")).is_err());
    }
}
