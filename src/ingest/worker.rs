//! Extraction in a child process: the `planthemes` binary runs itself with the hidden
//! command [`WORKER_COMMAND`], which extracts one file under an address-space limit
//! and prints the result as JSON. The parent enforces a wall-clock limit and turns a
//! crash (a signal, an abort, running out of memory) into that document's error.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{extract, Document, Format, IngestOptions, PdfEngine, Reason};

/// The hidden subcommand the worker runs as.
pub const WORKER_COMMAND: &str = "__extract";

#[derive(Serialize, Deserialize)]
enum WorkerResult {
    Ok(Document),
    Err(Reason),
}

/// The worker's side: limit memory, extract, print JSON on stdout.
pub fn run_worker(
    path: &Path,
    format: Format,
    memory_limit: u64,
    pdfium: Option<&Path>,
    pdf_engine: PdfEngine,
) -> anyhow::Result<()> {
    if memory_limit > 0 {
        rlimit::setrlimit(rlimit::Resource::AS, memory_limit, memory_limit)?;
    }
    let options = IngestOptions {
        pdfium: pdfium.map(Path::to_path_buf),
        pdf_engine,
        ..IngestOptions::default()
    };
    let result = match extract(path, format, &options) {
        Ok(doc) => WorkerResult::Ok(doc),
        Err(reason) => WorkerResult::Err(reason),
    };
    serde_json::to_writer(std::io::stdout().lock(), &result)?;
    Ok(())
}

/// The parent's side.
pub fn extract_in_child(
    worker: &Path,
    path: &Path,
    format: Format,
    options: &IngestOptions,
) -> Result<Document, Reason> {
    let format_name = serde_json::to_value(format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("formats serialise as strings: this is a bug");
    let mut cmd = Command::new(worker);
    cmd.arg(WORKER_COMMAND)
        .arg(path)
        .args(["--format", &format_name])
        .args(["--memory-limit", &options.memory_limit.to_string()])
        .args(["--pdf-engine", options.pdf_engine.as_str()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(lib) = &options.pdfium {
        cmd.arg("--pdfium").arg(lib);
    }
    let child = cmd.spawn().map_err(|e| {
        Reason::Crashed(format!("cannot start the worker {}: {e}", worker.display()))
    })?;

    let (status, stdout, stderr) = wait_limited(child, options.timeout)?;
    if !status.success() {
        return Err(Reason::Crashed(describe(status, &stderr)));
    }
    match serde_json::from_slice::<WorkerResult>(&stdout) {
        Ok(WorkerResult::Ok(doc)) => Ok(doc),
        Ok(WorkerResult::Err(reason)) => Err(reason),
        Err(e) => Err(Reason::Crashed(format!("unreadable worker output ({e})"))),
    }
}

/// Waits for a child whose stdout and stderr are piped, draining both on threads (so
/// a large output cannot block it), and kills it at `timeout`. Returns its status,
/// stdout (cut at 1 GiB) and stderr (cut at 64 KiB).
pub(crate) fn wait_limited(
    mut child: Child,
    timeout: Duration,
) -> Result<(ExitStatus, Vec<u8>, String), Reason> {
    let mut stdout = child.stdout.take().expect("stdout is piped: this is a bug");
    let mut stderr = child.stderr.take().expect("stderr is piped: this is a bug");
    let out = std::thread::spawn(move || {
        // A document's JSON is megabytes; a runaway child is cut off at 1 GiB.
        let mut buf = Vec::new();
        let _ = stdout.by_ref().take(1 << 30).read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.by_ref().take(64 * 1024).read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Reason::TimedOut(timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Reason::Crashed(format!("waiting for a child process: {e}"))),
        }
    };
    Ok((
        status,
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    ))
}

fn describe(status: ExitStatus, stderr: &str) -> String {
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let oom = stderr.contains("memory allocation") || stderr.contains("out of memory");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (abort)",
                9 => " (killed)",
                11 => " (segmentation fault)",
                _ => "",
            };
            let hint = if oom {
                "; it ran out of its memory limit"
            } else {
                ""
            };
            return format!(
                "signal {signal}{name}{hint}{}",
                if last.is_empty() {
                    String::new()
                } else {
                    format!(": {last}")
                }
            );
        }
    }
    format!(
        "{status}{}",
        if last.is_empty() {
            String::new()
        } else {
            format!(": {last}")
        }
    )
}
