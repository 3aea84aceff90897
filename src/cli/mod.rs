//! The command line: clap arguments → validated settings → components.
//!
//! Every fatal error is printed as `planthemes: path: reason` with a hint of the fix,
//! and exits with status 2.

mod agree;
mod common;
mod diff;
mod embed;
mod eval;
mod export;
mod kpis;
mod merge;
mod report;
mod review;
mod run;
mod segment;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::embed::{
    DeviceChoice, EncoderOptions, Kernels, ModelRequest, Precision, Truncation, DEFAULT_MODEL,
};

/// Find the themes in English integrated care system plans, passage by passage.
#[derive(Debug, Parser)]
#[command(name = "planthemes", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Log more (-v: info, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The main job: code a round of plans and report coverage per ICS, with evidence.
    Run(run::RunArgs),
    /// Combine the partial runs of `run --shard K/N` into one run.
    Merge(merge::MergeArgs),
    /// Rebuild a finished run's outputs from its passages (e.g. after new thresholds).
    Report(report::ReportArgs),
    /// Compare two finished runs: what each ICS gained, lost and kept between rounds.
    Diff(diff::DiffArgs),
    /// Write a finished run as a REFI-QDA project (.qdpx) or codebook (.qdc) for NVivo,
    /// ATLAS.ti, MAXQDA and QualCoder.
    Export(export::ExportArgs),
    /// Record a reviewer's decisions (a reviewed evidence.csv/.xlsx or .qdpx) and
    /// rebuild the run's outputs with the reviewed codes counted.
    Review(review::ReviewArgs),
    /// Quantified targets in passages: JSON Lines {"id","text"} in, {"id","targets"}
    /// out (the fields of a run's kpis.csv).
    Kpis(kpis::KpisArgs),
    /// Embed passages: JSON Lines {"id","text"} in, {"id","embedding"} out.
    Embed(embed::EmbedArgs),
    /// Show the passages of documents, with pages and headings.
    Segment(segment::SegmentArgs),
    /// Train the linear classifier head on labelled passages.
    Train(train::TrainArgs),
    /// Measure classifiers on labelled passages: per-label P/R/F1 with 95% intervals.
    Eval(eval::EvalArgs),
    /// Agreement (Cohen's kappa, F1) between two codings of the same passages.
    Agree(agree::AgreeArgs),
    /// Print a shell completion script: `planthemes completions bash > ~/.local/share/bash-completion/completions/planthemes`.
    Completions(CompletionsArgs),
    /// Print the man page, or with --out write one page per command into a folder.
    Man(ManArgs),
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
struct ManArgs {
    /// Folder to write planthemes.1 and planthemes-<command>.1 into (e.g.
    /// ~/.local/share/man/man1) [default: print planthemes.1 on stdout].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "planthemes",
        &mut std::io::stdout(),
    );
    Ok(ExitCode::SUCCESS)
}

fn man(args: &ManArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use clap::CommandFactory;
    let command = Cli::command();
    match &args.out {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout())?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("{}: cannot write the man pages", dir.display()))?;
            eprintln!("wrote the man pages to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Internal: extract one document in a child process (ingest runs this binary as
/// `planthemes __extract FILE …`). Parsed before, and apart from, the command line
/// users see, so it appears in no help, completion or man page.
#[derive(Debug, Parser)]
#[command(name = "planthemes __extract")]
struct ExtractArgs {
    file: PathBuf,
    #[arg(long)]
    format: String,
    #[arg(long, default_value_t = 0)]
    memory_limit: u64,
    #[arg(long)]
    pdfium: Option<PathBuf>,
    #[arg(long, default_value = "auto")]
    pdf_engine: crate::ingest::PdfEngine,
}

/// Which encoder to use and where it runs; shared by every command that embeds.
#[derive(Debug, Clone, Args)]
pub struct EncoderArgs {
    /// Model folder (config.json, tokenizer.json, model.safetensors). Without it:
    /// PLANTHEMES_MODEL, then models/<name>/, then the Hugging Face cache, then a
    /// hub download.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,

    /// Hugging Face repository of the encoder, used to find it in models/ and the hub.
    #[arg(long, value_name = "REPO", default_value = DEFAULT_MODEL)]
    pub model_id: String,

    /// Where the encoder runs: cpu, cuda or cuda:N (cuda needs a build with --features cuda).
    #[arg(long, default_value = "cpu")]
    pub device: DeviceChoice,

    /// Never download the model; use only local copies.
    #[arg(long)]
    pub offline: bool,

    /// Most passages in one forward pass. Small batches on one thread each beat big
    /// ones on all threads on CPU (BENCHMARKS.md).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub batch_size: u64,

    /// Arithmetic of the encoder's linear layers: fp32, or int8 (CPU only; about
    /// 1.7× faster, vectors within cosine 0.99 of fp32; BENCHMARKS.md).
    #[arg(long, default_value = "fp32", value_name = "fp32|int8")]
    pub precision: Precision,

    /// Run the model with candle-transformers' BertModel instead of planthemes' own
    /// CPU kernels (fp32 only): the reference for parity checks and benchmarks.
    #[arg(long, hide = true)]
    pub candle_kernels: bool,
}

impl EncoderArgs {
    pub(crate) fn request(&self) -> ModelRequest {
        ModelRequest {
            dir: self.model.clone(),
            repo: self.model_id.clone(),
            allow_download: !self.offline,
        }
    }

    pub(crate) fn options(&self, truncation: Truncation) -> EncoderOptions {
        EncoderOptions {
            device: self.device,
            max_batch: self.batch_size as usize,
            workers: EMBED_WORKERS.get().copied().unwrap_or(1),
            precision: self.precision,
            kernels: if self.candle_kernels {
                Kernels::Candle
            } else {
                Kernels::Auto
            },
            ..EncoderOptions::new(truncation)
        }
    }
}

/// The embedding cache: shared by every command that embeds a user's text.
#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// Embedding cache file [default: $XDG_CACHE_HOME or ~/.cache, then
    /// planthemes/embeddings.redb].
    #[arg(long, value_name = "FILE", env = "PLANTHEMES_CACHE")]
    pub cache: Option<PathBuf>,

    /// Embed everything afresh, without reading or writing the cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl CacheArgs {
    /// The open cache, or `None` when turned off or unusable (with a warning: a
    /// broken cache never stops a run).
    pub(crate) fn open(&self) -> Option<crate::embed::EmbeddingCache> {
        if self.no_cache {
            return None;
        }
        let path = self
            .cache
            .clone()
            .unwrap_or_else(crate::embed::default_cache_path);
        match crate::embed::EmbeddingCache::open(&path) {
            Ok(cache) => Some(cache),
            Err(e) if e.reason == crate::embed::cache::IN_USE => {
                eprintln!(
                    "warning: {}: the cache is in use by another planthemes process; this run \
                     goes on without it (the same outputs, only slower). Give each concurrent \
                     run its own --cache FILE to keep their work",
                    e.path.display()
                );
                None
            }
            Err(e) => {
                eprintln!("warning: {e}; running without the cache (or pass --cache FILE)");
                None
            }
        }
    }
}

/// Parses the process arguments, runs the command and returns the exit status.
/// Embedding workers for this process, set once by [`main`].
static EMBED_WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

pub fn main() -> ExitCode {
    EMBED_WORKERS.get_or_init(crate::embed::single_threaded_kernels);
    let result = if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == crate::ingest::WORKER_COMMAND)
    {
        run_extract(&ExtractArgs::parse_from(std::env::args_os().skip(1)))
    } else {
        let cli = Cli::parse();
        init_logging(cli.verbose);
        match cli.command {
            Command::Run(args) => run::run(&args),
            Command::Report(args) => report::run(&args),
            Command::Merge(args) => merge::run(&args),
            Command::Diff(args) => diff::run(&args),
            Command::Export(args) => export::run(&args),
            Command::Review(args) => review::run(&args),
            Command::Kpis(args) => kpis::run(&args),
            Command::Embed(args) => embed::run(&args),
            Command::Segment(args) => segment::run(&args),
            Command::Train(args) => train::run(&args),
            Command::Eval(args) => eval::run(&args),
            Command::Agree(args) => agree::run(&args),
            Command::Completions(args) => completions(&args),
            Command::Man(args) => man(&args),
        }
    };
    match result {
        Ok(status) => status,
        Err(err) => {
            eprintln!("planthemes: {}", error_chain(&err));
            ExitCode::from(2)
        }
    }
}

fn run_extract(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let format: crate::ingest::Format =
        serde_json::from_value(serde_json::Value::String(args.format.clone()))?;
    crate::ingest::run_worker(
        &args.file,
        format,
        args.memory_limit,
        args.pdfium.as_deref(),
        args.pdf_engine,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The error and those causes whose text it does not already include.
fn error_chain(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}

/// Ingest options for the CLI: every document parsed in a worker (this binary).
pub(crate) fn ingest_options(
    pdfium: Option<PathBuf>,
    pdf_engine: crate::ingest::PdfEngine,
    max_file_mb: f64,
) -> anyhow::Result<crate::ingest::IngestOptions> {
    if !(max_file_mb.is_finite() && max_file_mb > 0.0) {
        anyhow::bail!("--max-file-mb {max_file_mb}: give a size in MB above 0");
    }
    Ok(crate::ingest::IngestOptions {
        worker: std::env::current_exe().ok(),
        pdfium,
        pdf_engine,
        max_bytes: (max_file_mb * 1024.0 * 1024.0) as u64,
        ..crate::ingest::IngestOptions::default()
    })
}

/// A progress bar on stderr; hidden when stderr is not a terminal (pipes, CI).
pub(crate) fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
    )
    .expect("progress template is valid: this is a bug")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}
