//! A run folder written as a set: every output goes into a hidden staging folder
//! beside the destination, and the staging folder is renamed into place only when it
//! is whole. A run killed at any point leaves the destination as it was (absent, or
//! the previous finished run), never a mix of old and new files or a folder that looks
//! finished but is not.
//!
//! Each file inside is still written atomically ([`super::write_atomic`]); this adds
//! the same guarantee for the folder. Staging folders of killed runs are cleared by the
//! next run to the same destination.

use std::io;
use std::path::{Path, PathBuf};

use super::{KEPT, OUTPUTS};

/// A run folder being written.
#[derive(Debug)]
pub struct StagedDir {
    staging: PathBuf,
    dest: PathBuf,
    committed: bool,
}

/// Why a destination cannot take a run.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{}: --out must be a folder, and this is a file", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "{dir}: this folder holds files that are not a planthemes run (for example {example}); \
         give a new or empty folder, or a folder an earlier run wrote",
        dir = .0.display(),
        example = .1
    )]
    Foreign(PathBuf, String),
    #[error("{dir}: cannot write the outputs here ({reason})", dir = .0.display(), reason = .1)]
    Unwritable(PathBuf, io::Error),
}

impl StagedDir {
    /// Checks that `dest` can take a run (absent, empty, or a run folder) and creates
    /// the staging folder beside it. Called before any work, so an unwritable
    /// destination is found in milliseconds, not after the embedding.
    pub fn begin(dest: &Path) -> Result<StagedDir, StageError> {
        let dest =
            std::path::absolute(dest).map_err(|e| StageError::Unwritable(dest.to_path_buf(), e))?;
        if dest.exists() {
            if !dest.is_dir() {
                return Err(StageError::NotAFolder(dest));
            }
            if let Some(foreign) =
                first_foreign_entry(&dest).map_err(|e| StageError::Unwritable(dest.clone(), e))?
            {
                return Err(StageError::Foreign(dest, foreign));
            }
        }
        let (parent, name) = parent_and_name(&dest);
        std::fs::create_dir_all(&parent).map_err(|e| StageError::Unwritable(dest.clone(), e))?;
        clear_stale(&parent, &name, &dest);
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir(&staging).map_err(|e| StageError::Unwritable(dest.clone(), e))?;
        Ok(StagedDir {
            staging,
            dest,
            committed: false,
        })
    }

    /// Where to write the outputs.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Puts the staging folder in place of the destination, replacing what was there
    /// whole.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        let (parent, name) = parent_and_name(&self.dest);
        if self.dest.exists() {
            let old = parent.join(format!(".{name}.old-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(&self.dest, &old)?;
            std::fs::rename(&self.staging, &self.dest)?;
            std::fs::remove_dir_all(&old)?;
        } else {
            std::fs::rename(&self.staging, &self.dest)?;
        }
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for StagedDir {
    /// A run that failed removes its staging folder; the destination is untouched.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

fn parent_and_name(dest: &Path) -> (PathBuf, String) {
    let parent = dest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    (parent, name)
}

/// The first entry of `dir` that a run does not write (hidden files aside: they are
/// temporary files of interrupted writes, or the user's own dotfiles).
fn first_foreign_entry(dir: &Path) -> io::Result<Option<String>> {
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.')
            && !OUTPUTS.contains(&name.as_str())
            && !KEPT.contains(&name.as_str())
        {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// Removes the staging and old folders that killed runs to `dest` left behind (those
/// whose process is gone). A previous run moved aside by a run killed between its two
/// renames is put back, so the destination is never lost.
fn clear_stale(parent: &Path, name: &str, dest: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let (kind, pid) = match rest.split_once('-') {
            Some((kind @ ("staging" | "old"), pid)) => (kind, pid),
            _ => continue,
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if alive {
            continue;
        }
        if kind == "old" && !dest.exists() && entry.path().join("report.json").is_file() {
            let _ = std::fs::rename(entry.path(), dest);
        } else {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_committed_run_replaces_the_old_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("run");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("report.json"), "old").unwrap();
        std::fs::write(dest.join("coverage.csv"), "old").unwrap();

        let staged = StagedDir::begin(&dest).unwrap();
        std::fs::write(staged.path().join("report.json"), "new").unwrap();
        // Until the commit, the old run is all there is at the destination.
        assert_eq!(
            std::fs::read_to_string(dest.join("report.json")).unwrap(),
            "old"
        );
        staged.commit().unwrap();
        assert_eq!(names(&dest), ["report.json"]);
        assert_eq!(
            std::fs::read_to_string(dest.join("report.json")).unwrap(),
            "new"
        );
        assert_eq!(
            names(tmp.path()),
            ["run"],
            "no staging or old folder is left"
        );
    }

    #[test]
    fn a_failed_run_leaves_the_destination_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("run");
        {
            let staged = StagedDir::begin(&dest).unwrap();
            std::fs::write(staged.path().join("passages.jsonl"), "{}\n").unwrap();
        } // dropped: the run failed
        assert_eq!(names(tmp.path()), Vec::<String>::new());
    }

    #[test]
    fn refuses_a_file_or_a_folder_of_other_things_before_any_work() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let err = StagedDir::begin(tmp.path()).unwrap_err();
        assert!(
            matches!(err, StageError::Foreign(_, ref f) if f == "notes.txt"),
            "{err}"
        );
        let err = StagedDir::begin(&tmp.path().join("notes.txt")).unwrap_err();
        assert!(matches!(err, StageError::NotAFolder(_)), "{err}");
        assert_eq!(names(tmp.path()), ["notes.txt"]);
    }

    #[test]
    fn leftovers_of_killed_runs_are_cleared_and_a_moved_run_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        // No process has pid 4294967295.
        let dead = u32::MAX;
        std::fs::create_dir(tmp.path().join(format!(".run.staging-{dead}"))).unwrap();
        let old = tmp.path().join(format!(".run.old-{dead}"));
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("report.json"), "previous").unwrap();

        let staged = StagedDir::begin(&tmp.path().join("run")).unwrap();
        let dest = tmp.path().join("run");
        assert_eq!(
            std::fs::read_to_string(dest.join("report.json")).unwrap(),
            "previous"
        );
        let staging = staged
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(names(tmp.path()), [staging, "run".to_string()]);
    }
}
