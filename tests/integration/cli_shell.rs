//! The command line in its ecosystem: shell completions, man pages, and the same
//! `--out` flag wherever a command writes a file or folder.

use std::path::Path;

use crate::support::{planthemes, stderr};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = planthemes(Path::new(ROOT), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for command in [
            "run", "report", "embed", "segment", "train", "eval", "agree",
        ] {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
        assert!(
            script.contains("max-file-mb"),
            "{shell} completions lack run's flags"
        );
        assert!(
            !script.contains("__extract"),
            "{shell} completions show the hidden worker"
        );
    }
    let bad = planthemes(Path::new(ROOT), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_print_or_install_one_per_command() {
    let out = planthemes(Path::new(ROOT), &["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH planthemes"),
        "{page:.200}"
    );
    assert!(page.contains("run"));

    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("man1");
    let out = planthemes(Path::new(ROOT), &["man", "--out", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in [
        "planthemes.1",
        "planthemes-run.1",
        "planthemes-embed.1",
        "planthemes-eval.1",
    ] {
        let text =
            std::fs::read_to_string(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(".TH"), "{name}");
    }
    assert!(std::fs::read_to_string(folder.join("planthemes-run.1"))
        .unwrap()
        .contains("max\\-file\\-mb"));
}

#[test]
fn every_command_that_writes_takes_out() {
    for command in ["run", "report", "embed", "train", "eval", "man"] {
        let help = planthemes(Path::new(ROOT), &[command, "--help"]);
        assert!(
            stdout(&help).contains("--out"),
            "{command} --help has no --out:\n{}",
            stdout(&help)
        );
    }
    // The old names still work.
    let help = stdout(&planthemes(Path::new(ROOT), &["embed", "--help"]));
    assert!(
        help.contains("output") && help.contains("max-length"),
        "{help}"
    );
}
