//! JSON Lines input: one record per line, errors that name the file and the line.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// A JSON Lines file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JsonlError {
    #[error("{}: cannot read ({source})", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{}: the file has no records", path.display())]
    Empty { path: PathBuf },
    #[error("{}: id {id:?} appears more than once", path.display())]
    DuplicateId { path: PathBuf, id: String },
}

/// Refuses a file whose records repeat an id, naming the first repeated one.
pub fn unique_ids<'a>(
    path: &Path,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<(), JsonlError> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(JsonlError::DuplicateId {
                path: path.to_path_buf(),
                id: id.to_string(),
            });
        }
    }
    Ok(())
}

/// Reads every non-blank line of `path` as a `T`. A malformed line is an error naming
/// its number; an empty file is an error too.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, JsonlError> {
    let io = |source| JsonlError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut records = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| match source.kind() {
            std::io::ErrorKind::InvalidData => JsonlError::Line {
                path: path.to_path_buf(),
                line: i + 1,
                reason: "not UTF-8 text".into(),
            },
            _ => io(source),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line).map_err(|e| JsonlError::Line {
            path: path.to_path_buf(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        records.push(record);
    }
    if records.is_empty() {
        return Err(JsonlError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Rec {
        id: String,
    }

    #[test]
    fn reads_records_and_skips_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, "{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n").unwrap();
        let recs: Vec<Rec> = read_jsonl(&path).unwrap();
        assert_eq!(
            recs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn errors_name_the_line_or_the_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.jsonl");
        std::fs::write(&path, "{\"id\":\"a\"}\n{\"name\":\"b\"}\n").unwrap();
        let err = read_jsonl::<Rec>(&path).unwrap_err().to_string();
        assert!(err.contains("bad.jsonl:2: missing field `id`"), "{err}");

        std::fs::write(&path, "\n").unwrap();
        let err = read_jsonl::<Rec>(&path).unwrap_err().to_string();
        assert!(err.ends_with("bad.jsonl: the file has no records"), "{err}");
    }
}
