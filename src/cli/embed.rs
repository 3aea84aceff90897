//! `planthemes embed`: passages in, unit vectors out.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use serde::{Deserialize, Serialize};

use super::{progress_bar, CacheArgs, EncoderArgs};
use crate::embed::{BertEncoder, Encoder, Truncation};
use crate::jsonl::read_jsonl;
use crate::report::write_atomic;

#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// JSON Lines file of {"id", "text"} records.
    #[arg(short, long, value_name = "FILE")]
    input: PathBuf,

    /// Where to write {"id", "embedding"} records (written atomically).
    #[arg(short, long, value_name = "FILE", visible_alias = "output")]
    out: PathBuf,

    /// Embed the first tokens of a passage over the model's limit instead of failing.
    #[arg(long)]
    truncate: bool,

    /// Longest passage in tokens, at most the model's own limit (with --truncate,
    /// longer passages are cut here, as sentence-transformers' max_seq_length does).
    #[arg(long, value_name = "N", visible_alias = "max-length",
          value_parser = clap::value_parser!(u64).range(2..))]
    max_tokens: Option<u64>,

    #[command(flatten)]
    encoder: EncoderArgs,

    #[command(flatten)]
    cache: CacheArgs,
}

#[derive(Deserialize)]
struct Passage {
    id: String,
    text: String,
}

#[derive(Serialize)]
struct Embedding<'a> {
    id: &'a str,
    embedding: &'a [f32],
}

pub fn run(args: &EmbedArgs) -> anyhow::Result<ExitCode> {
    let passages: Vec<Passage> = read_jsonl(&args.input)?;
    crate::jsonl::unique_ids(&args.input, passages.iter().map(|p| p.id.as_str()))?;

    let truncation = if args.truncate {
        Truncation::Truncate
    } else {
        Truncation::Refuse
    };
    let started = Instant::now();
    let mut options = args.encoder.options(truncation);
    options.max_length = args.max_tokens.map(|n| n as usize);
    let model = BertEncoder::load(&args.encoder.request(), &options)?;
    let cache = args.cache.open();
    let cached = cache
        .as_ref()
        .map(|c| crate::embed::CachedEncoder::new(&model, c));
    let encoder: &dyn Encoder = match &cached {
        Some(c) => c,
        None => &model,
    };
    let loaded = started.elapsed();

    let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
    let bar = progress_bar(texts.len() as u64, "embedding");
    let started = Instant::now();
    let encoded = encoder
        .encode_observed(&texts, &|done| bar.set_position(done as u64))
        .map_err(|e| match e {
            crate::embed::EmbedError::TooLong { index, tokens, max } => anyhow::anyhow!(
                "{}: passage {:?} is {tokens} tokens long, over the model's limit of {max}; \
                 split it, or pass --truncate to embed its first {max} tokens",
                args.input.display(),
                passages[index].id
            ),
            other => other.into(),
        })?;
    let elapsed = started.elapsed();
    bar.finish_and_clear();

    write_atomic(&args.out, |w| {
        for (p, v) in passages.iter().zip(&encoded.vectors) {
            serde_json::to_writer(
                &mut *w,
                &Embedding {
                    id: &p.id,
                    embedding: v,
                },
            )?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
    .with_context(|| format!("{}: cannot write", args.out.display()))?;

    if !encoded.truncated.is_empty() {
        let ids: Vec<&str> = encoded
            .truncated
            .iter()
            .take(5)
            .map(|&i| passages[i].id.as_str())
            .collect();
        eprintln!(
            "warning: {} passage(s) were longer than {} tokens and were truncated (e.g. {})",
            encoded.truncated.len(),
            encoder.max_tokens(),
            ids.join(", ")
        );
    }
    let secs = elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "embedded {} passages ({} tokens) with {} in {:.1} s ({:.1} passages/s, {:.0} tokens/s; \
         model load {:.1} s); wrote {}",
        passages.len(),
        encoded.tokens,
        encoder.id(),
        secs,
        passages.len() as f64 / secs,
        encoded.tokens as f64 / secs,
        loaded.as_secs_f64(),
        args.out.display()
    );
    if let (Some(c), Some(cache)) = (&cached, &cache) {
        eprintln!(
            "cache: {} of {} passage(s) found in {}, {} embedded",
            c.hits(),
            passages.len(),
            cache.path().display(),
            c.misses()
        );
    }
    Ok(ExitCode::SUCCESS)
}
