//! Whether a built `bootstrap` can start on its Lambda runtime. A binary
//! linked against glibc asks for symbol versions (`GLIBC_2.34`) that the
//! runtime's glibc must have, or the function fails at cold start with
//! "version `GLIBC_2.xx' not found" — and only on AWS, since the build
//! machine has them. Amazon Linux 2023 (`provided.al2023`) has glibc 2.34,
//! Amazon Linux 2 (`provided.al2`) 2.26 (Lambda Developer Guide, "Lambda
//! runtimes", and the AL2023 release notes). The versions a binary asks
//! for are read from its ELF `.gnu.version_r` section.

use object::read::elf::FileHeader;

/// The glibc of a custom runtime, when drx knows it.
pub(super) fn runtime_glibc(runtime: &str) -> Option<(u32, u32)> {
    match runtime {
        "provided.al2023" => Some((2, 34)),
        "provided.al2" => Some((2, 26)),
        _ => None,
    }
}

/// The newest `GLIBC_x.y` the ELF binary asks for; `None` for a binary that
/// asks for none (static, musl) or is not a 64-bit ELF file (a script).
pub(super) fn glibc_needed(binary: &[u8]) -> Result<Option<(u32, u32)>, String> {
    if !binary.starts_with(b"\x7fELF") || binary.get(4) != Some(&2) {
        return Ok(None);
    }
    let unreadable = |e: object::read::Error| format!("not a readable ELF file: {e}");
    let header = object::elf::FileHeader64::<object::Endianness>::parse(binary).map_err(unreadable)?;
    let endian = header.endian().map_err(unreadable)?;
    let sections = header.sections(endian, binary).map_err(unreadable)?;
    let Some((mut needs, link)) = sections.gnu_verneed(endian, binary).map_err(unreadable)? else {
        return Ok(None);
    };
    let strings = sections.strings(endian, binary, link).map_err(unreadable)?;
    let mut newest = None;
    while let Some((_, mut versions)) = needs.next().map_err(unreadable)? {
        while let Some(version) = versions.next().map_err(unreadable)? {
            let name = version.name(endian, strings).map_err(unreadable)?;
            let Some(number) = std::str::from_utf8(name)
                .ok()
                .and_then(|n| n.strip_prefix("GLIBC_"))
            else {
                continue;
            };
            let mut parts = number.split('.').map(|p| p.parse::<u32>().ok());
            if let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) {
                newest = newest.max(Some((major, minor)));
            }
        }
    }
    Ok(newest)
}

/// Refuses a bootstrap that needs a newer glibc than `runtime` has, saying
/// how to build one that starts.
pub(super) fn check(name: &str, binary: &[u8], runtime: &str, architecture: &str) -> Result<(), String> {
    let (Some(has), Some(needs)) = (
        runtime_glibc(runtime),
        glibc_needed(binary).map_err(|e| format!("{name}: {e}"))?,
    ) else {
        return Ok(());
    };
    if needs <= has {
        return Ok(());
    }
    let target = if architecture == "arm64" {
        "aarch64"
    } else {
        "x86_64"
    };
    Err(format!(
        "{name} needs glibc {}.{} (GLIBC_{}.{}), newer than {runtime}'s {}.{}: on AWS the function would fail at cold start. \
help: build against an older glibc (`cargo zigbuild --target {target}-unknown-linux-gnu.{}.{}`), or for musl \
(`--target {target}-unknown-linux-musl`), and give drx the zip; or build on a machine with glibc {}.{}",
        needs.0, needs.1, needs.0, needs.1, has.0, has.1, has.0, has.1, has.0, has.1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This test's own executable: built here, against this machine's glibc.
    fn built() -> Vec<u8> {
        std::fs::read(std::env::current_exe().expect("own path")).expect("read own binary")
    }

    #[test]
    fn a_built_binary_names_the_glibc_it_needs() {
        let needs = glibc_needed(&built())
            .expect("an ELF file")
            .expect("linked against glibc");
        assert!(((2, 2)..(3, 0)).contains(&needs), "{needs:?}");
    }

    #[test]
    fn a_bootstrap_too_new_for_its_runtime_is_refused_with_the_fix() {
        let binary = built();
        let needs = glibc_needed(&binary).unwrap().unwrap();
        // Anything newer than 2.26 fails on Amazon Linux 2.
        if needs > (2, 26) {
            let error = check("bootstrap", &binary, "provided.al2", "x86_64").unwrap_err();
            assert!(
                error.contains(&format!("needs glibc {}.{}", needs.0, needs.1)),
                "{error}"
            );
            assert!(error.contains("provided.al2's 2.26"), "{error}");
            assert!(
                error.contains("cargo zigbuild --target x86_64-unknown-linux-gnu.2.26"),
                "{error}"
            );
            assert!(error.contains("x86_64-unknown-linux-musl"), "{error}");
        }
        assert_eq!(
            check("bootstrap", &binary, "provided.al2023", "x86_64").is_ok(),
            needs <= (2, 34)
        );
    }

    #[test]
    fn what_is_not_a_glibc_binary_passes() {
        assert_eq!(glibc_needed(b"#!/bin/sh\nexec ./app\n").unwrap(), None);
        assert!(check("bootstrap", b"#!/bin/sh\n", "provided.al2", "x86_64").is_ok());
        assert!(
            check("bootstrap", &built(), "python3.13", "x86_64").is_ok(),
            "a managed runtime"
        );
        assert!(glibc_needed(b"\x7fELF\x02garbage").is_err());
    }
}
