//! The paths git tracks, read from `.git/index` without running git.
//!
//! The index is a header (`DIRC`, a version, an entry count), then one entry per tracked path
//! in path order: 62 bytes of stat data, object id and flags (64 with version 3's extended
//! flags), then the path. Versions 2 and 3 end the path with NUL padding to a multiple of eight
//! bytes; version 4 writes only what differs from the previous path (a varint of bytes to drop
//! from its end, then the NUL-terminated suffix). Extensions after the entries are not needed.
//! See git's `Documentation/gitformat-index.txt`.
//!
//! Bad input is an error, never a panic: sizes are checked before every read and capped.

use std::path::{Path, PathBuf};

/// The largest index read, in bytes: big monorepos stay under it.
pub const MAX_INDEX_SIZE: u64 = 128 * 1024 * 1024;
/// The most entries accepted.
const MAX_ENTRIES: u32 = 4_000_000;
/// Stat data, object id and flags of an entry (SHA-1 object ids).
const ENTRY_FIXED: usize = 62;
const EXTENDED_FLAG: u16 = 0x4000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GitIndexError {
    #[error("not a git index (no DIRC signature)")]
    Signature,
    #[error("unsupported git index version {0}")]
    Version(u32),
    #[error("git index truncated at byte {0}")]
    Truncated(usize),
    #[error("git index entry count {0} is over the limit")]
    TooManyEntries(u32),
    #[error("git index path is not valid UTF-8 at byte {0}")]
    BadPath(usize),
    #[error("git index is larger than {MAX_INDEX_SIZE} bytes")]
    TooLarge,
    #[error("cannot read the git index: {0}")]
    Io(String),
}

/// The paths of a git index, in index order (sorted by git), relative to the repository root,
/// with `/` separators; a path in conflict (several stages) appears once.
pub fn parse(bytes: &[u8]) -> Result<Vec<String>, GitIndexError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != b"DIRC" {
        return Err(GitIndexError::Signature);
    }
    let version = r.u32()?;
    if !(2..=4).contains(&version) {
        return Err(GitIndexError::Version(version));
    }
    let count = r.u32()?;
    if count > MAX_ENTRIES {
        return Err(GitIndexError::TooManyEntries(count));
    }
    let mut paths: Vec<String> = Vec::with_capacity(count.min(65_536) as usize);
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = r.at;
        r.take(ENTRY_FIXED - 2)?;
        let flags = r.u16()?;
        if version >= 3 && flags & EXTENDED_FLAG != 0 {
            r.take(2)?;
        }
        let path = if version == 4 {
            let drop = r.varint()?;
            let keep = previous
                .len()
                .checked_sub(drop)
                .ok_or(GitIndexError::Truncated(r.at))?;
            let mut path = previous[..keep].to_vec();
            path.extend_from_slice(r.until_nul()?);
            path
        } else {
            let path = r.until_nul()?.to_vec();
            // The entry, NUL included, is padded with NULs to a multiple of eight bytes.
            let len = r.at - start;
            let padded = len.div_ceil(8) * 8;
            r.take(padded - len)?;
            path
        };
        let text = std::str::from_utf8(&path).map_err(|_| GitIndexError::BadPath(start))?;
        if paths.last().map(String::as_str) != Some(text) {
            paths.push(text.to_string());
        }
        previous = path;
    }
    Ok(paths)
}

/// The git directory of the repository whose work tree holds `dir`: the nearest `.git` folder
/// above it, or the folder a `.git` file (`gitdir: …`, in worktrees and submodules) names, with
/// the work tree's root. `None` outside a repository.
pub fn find_repository(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    for root in dir.ancestors() {
        let dot_git = root.join(".git");
        let Ok(meta) = std::fs::metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            return Some((dot_git, root.to_path_buf()));
        }
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
        return Some((root.join(target), root.to_path_buf()));
    }
    None
}

/// The tracked paths of the repository whose git directory is `git_dir`.
pub fn read(git_dir: &Path) -> Result<Vec<String>, GitIndexError> {
    let path = git_dir.join("index");
    let size = std::fs::metadata(&path)
        .map_err(|e| GitIndexError::Io(e.to_string()))?
        .len();
    if size > MAX_INDEX_SIZE {
        return Err(GitIndexError::TooLarge);
    }
    let bytes = std::fs::read(&path).map_err(|e| GitIndexError::Io(e.to_string()))?;
    parse(&bytes)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], GitIndexError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(GitIndexError::Truncated(self.at))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, GitIndexError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u16(&mut self) -> Result<u16, GitIndexError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// The bytes up to the next NUL, which is consumed.
    fn until_nul(&mut self) -> Result<&'a [u8], GitIndexError> {
        let rest = &self.bytes[self.at..];
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(GitIndexError::Truncated(self.bytes.len()))?;
        self.at += len + 1;
        Ok(&rest[..len])
    }

    /// Git's offset varint (as in pack files): seven bits a byte, most significant first, each
    /// continuation adding one before shifting.
    fn varint(&mut self) -> Result<usize, GitIndexError> {
        let at = self.at;
        let mut byte = self.take(1)?[0];
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = self.take(1)?[0];
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .map(|v| v | usize::from(byte & 0x7f))
                .ok_or(GitIndexError::Truncated(at))?;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `paths` as git writes it, built by hand.
    fn index(version: u32, paths: &[&str], extended: &[bool]) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend(version.to_be_bytes());
        out.extend((paths.len() as u32).to_be_bytes());
        let mut previous = "";
        for (i, path) in paths.iter().enumerate() {
            let start = out.len();
            out.extend([0u8; 60]);
            let ext = extended.get(i).copied().unwrap_or(false);
            let flags = (path.len().min(0xfff) as u16) | if ext { EXTENDED_FLAG } else { 0 };
            out.extend(flags.to_be_bytes());
            if ext {
                out.extend([0x20, 0x00]);
            }
            if version == 4 {
                let common = previous
                    .bytes()
                    .zip(path.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                out.extend(varint(previous.len() - common));
                out.extend(path[common..].bytes());
                out.push(0);
            } else {
                out.extend(path.bytes());
                out.push(0);
                while !(out.len() - start).is_multiple_of(8) {
                    out.push(0);
                }
            }
            previous = path;
        }
        out.extend([0u8; 20]);
        out
    }

    fn varint(mut value: usize) -> Vec<u8> {
        let mut bytes = vec![(value & 0x7f) as u8];
        while value >= 0x80 {
            value = (value >> 7) - 1;
            bytes.push(0x80 | (value & 0x7f) as u8);
        }
        bytes.reverse();
        bytes
    }

    const PATHS: &[&str] = &[
        ".env",
        ".env.example",
        ".gitignore",
        "backend/.env.production",
        "backend/core/settings.py",
        "docker-compose.yml",
    ];

    #[test]
    fn hand_built_indexes_of_every_version_give_their_paths() {
        for version in [2, 3, 4] {
            let ext = [false, true, false, true, false, false];
            let bytes = index(version, PATHS, if version >= 3 { &ext } else { &[] });
            assert_eq!(parse(&bytes).unwrap(), PATHS, "version {version}");
        }
    }

    #[test]
    fn long_shared_prefixes_need_multi_byte_varints() {
        let long = "a/".repeat(150);
        let first = format!("{long}x/one");
        let second = "b".to_string();
        let bytes = index(4, &[&first, &second], &[]);
        assert_eq!(parse(&bytes).unwrap(), [first, second]);
        assert!(varint(300).len() == 2);
    }

    #[test]
    fn conflicting_stages_of_one_path_count_once() {
        let bytes = index(2, &["a.txt", "a.txt", "a.txt", "b.txt"], &[]);
        assert_eq!(parse(&bytes).unwrap(), ["a.txt", "b.txt"]);
    }

    #[test]
    fn damaged_indexes_are_errors_not_panics() {
        assert_eq!(parse(b"DIRX"), Err(GitIndexError::Signature));
        assert_eq!(parse(b""), Err(GitIndexError::Truncated(0)));
        let mut v5 = index(2, PATHS, &[]);
        v5[7] = 5;
        assert_eq!(parse(&v5), Err(GitIndexError::Version(5)));
        let mut huge = index(2, PATHS, &[]);
        huge[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(parse(&huge), Err(GitIndexError::TooManyEntries(u32::MAX)));
        for version in [2, 3, 4] {
            let bytes = index(version, PATHS, &[]);
            for cut in 0..bytes.len() - 20 {
                assert!(parse(&bytes[..cut]).is_err(), "v{version} cut at {cut}");
            }
        }
        // A version 4 entry that drops more than the previous path has.
        let mut bad = index(4, &["ab", "ac"], &[]);
        let second = 12 + 62 + 1 + 3;
        bad[second + 62] = 9;
        assert!(parse(&bad).is_err());
        // Arbitrary bytes after a valid header.
        let mut noise = b"DIRC\0\0\0\x04\0\0\0\x03".to_vec();
        noise.extend((0..500u32).map(|i| (i * 7919 % 251) as u8));
        let _ = parse(&noise);
    }

    /// The real `git`, when installed, writes what the reader reads.
    #[test]
    fn indexes_written_by_git_read_back() {
        let git = |dir: &Path, args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(dir)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .ok()
                .filter(|o| o.status.success())
        };
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        if git(root, &["init", "-q"]).is_none() {
            return; // git is not installed: the hand-built indexes cover the format.
        }
        for p in PATHS {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "x\n").unwrap();
        }
        git(root, &["add", "-A"]).unwrap();
        let (git_dir, work_tree) = find_repository(&root.join("backend")).unwrap();
        assert_eq!(work_tree, root);
        for version in ["2", "3", "4"] {
            git(root, &["update-index", "--index-version", version]).unwrap();
            if version == "3" {
                git(root, &["update-index", "--skip-worktree", ".gitignore"]).unwrap();
            }
            assert_eq!(read(&git_dir).unwrap(), PATHS, "version {version}");
        }
    }
}
