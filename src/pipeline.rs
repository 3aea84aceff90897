//! The main job: a round → ingest → segment → embed → classify → aggregate → report.
//!
//! Documents are independent, so reading and segmenting run in parallel per document
//! (each PDF, HTML or DOCX in its own worker process); embedding then runs over all
//! passages in length-sorted batches. A document that cannot be read becomes a row of
//! `errors.csv`, and the rest of the round carries on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::aggregate::{Coverage, Presence};
use crate::classify::{Classifier, Input};
use crate::embed::Encoder;
use crate::ingest::manifest::{row_doubts, IcsTable};
use crate::ingest::{self, IngestOptions};
use crate::report::{
    apply_thresholds, write_outputs, ClassifierInfo, Counts, DocumentRecord, EncoderInfo,
    ErrorRecord, LabelInfo, PassageRecord, RunRecord,
};
use crate::round::{identify, Plan, PlanProblem, Planned, MANIFEST};
use crate::segment::{split, Lexicon, Passage, SegmentOptions, TokenCount};
use crate::taxonomy::Taxonomy;

/// Reports how far a stage has got; the CLI draws it as one progress line.
pub trait Progress: Sync {
    /// A new stage with `len` steps.
    fn stage(&self, name: &str, len: u64);
    /// Steps done so far in the current stage.
    fn set(&self, done: u64);
    /// The run is over.
    fn finish(&self) {}
}

/// No progress display.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: u64) {}
    fn set(&self, _: u64) {}
}

/// What a run needs besides the round.
pub struct Components<'a> {
    pub taxonomy: &'a Taxonomy,
    pub taxonomy_path: &'a Path,
    pub ics: &'a IcsTable,
    pub tokens: &'a (dyn TokenCount + Sync),
    pub lexicon: &'a (dyn Lexicon + Sync),
    /// Needed when the classifier needs embeddings.
    pub encoder: Option<&'a dyn Encoder>,
    /// When set, embeddings go through this cache instead of `encoder` directly.
    pub cache: Option<&'a crate::embed::CachedEncoder<'a>>,
    pub encoder_info: Option<EncoderInfo>,
    pub classifier: &'a dyn Classifier,
    pub classifier_info: ClassifierInfo,
    /// The commitment head, when the run has one (it reads the same vectors).
    pub commitment: Option<&'a dyn Classifier>,
    pub commitment_info: Option<crate::report::CommitmentInfo>,
    /// The facet head, when the run has one (it reads the same vectors).
    pub facets: Option<&'a dyn Classifier>,
    pub facet_info: Option<crate::report::CommitmentInfo>,
    /// The cache file, for documents already read and passages already scored; `None`
    /// with `--no-cache`.
    pub store: Option<&'a crate::embed::EmbeddingCache>,
    /// What cached documents and scores depend on besides their own bytes.
    pub fingerprints: Fingerprints,
}

/// What the cached work of a run depends on, beyond the document or text itself.
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    /// The tokenizer (passages are cut by its token counts; the cleaner's lexicon is its
    /// vocabulary).
    pub segmenter: String,
    /// The classifier: its kind, head files, taxonomy and encoder.
    pub classifier: String,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The round as the user gave it (folder or manifest), for the record.
    pub round: String,
    pub out: PathBuf,
    pub segment: SegmentOptions,
    /// Most passages one document may yield; more is that document's error.
    pub max_passages: usize,
    pub ingest: IngestOptions,
    pub presence: Presence,
    /// Code only this shard of the round (`run --shard K/N`); `None` codes it all.
    pub shard: Option<Shard>,
}

/// One of `n` deterministic parts of a round: the documents whose path relative to
/// the round hashes to `k` (BLAKE3, modulo `n`). Shard 0 also carries what belongs to
/// the round as a whole (manifest problems and warnings), so the shards' union is the
/// round once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// Whether this shard codes the file at `file` (relative to the round).
    pub fn takes(&self, file: &str) -> bool {
        let hash = blake3::hash(file.as_bytes());
        let head = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
        head % self.n as u64 == self.k as u64
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N`, with 0 ≤ K < N (a Slurm array index or a Kubernetes completion index).
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?}: expected K/N, e.g. 0/4"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("{s:?}: K is not a number"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("{s:?}: N is not a number"))?;
        if n == 0 || k >= n {
            return Err(format!(
                "{s:?}: K counts from 0 and must be below N (0/{n} … {}/{n})",
                n.max(1) - 1
            ));
        }
        Ok(Shard { k, n })
    }
}

/// A finished run.
pub struct Outcome {
    pub record: RunRecord,
    pub coverage: Coverage,
    /// Seconds spent aggregating and writing the outputs.
    pub report_secs: f64,
}

/// Errors that stop a whole run (a bad document never does).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("embedding passages: {0}")]
    Embed(#[from] crate::embed::EmbedError),
    #[error("classifying passages: {0}")]
    Classify(#[from] crate::classify::ClassifyError),
    #[error("{}: cannot write the outputs ({source})", dir.display())]
    Write {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Distinct passages embedded and classified together: enough for the encoder's
/// length-sorted batches, few enough that their vectors stay small (about 50 MB).
const SCORE_CHUNK: usize = 8192;

/// The default for [`Settings::max_passages`]: a 1,000-page plan gives about 5,000.
pub const DEFAULT_MAX_PASSAGES: usize = 20_000;

struct Read {
    document: DocumentRecord,
    passages: Vec<Passage>,
    warning: Option<String>,
}

/// Runs the whole pipeline on a planned round and writes every output.
pub fn run(
    plan: &Plan,
    parts: &Components<'_>,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Outcome, RunError> {
    let created: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    let mut timings = Vec::new();

    // This run's documents, each with its place in the whole round (kept in a shard's
    // record, so that `merge` puts the shards back in the round's order).
    let selected: Vec<(usize, &Planned)> = plan
        .documents
        .iter()
        .enumerate()
        .filter(|(_, p)| settings.shard.is_none_or(|s| s.takes(&p.file)))
        .collect();
    let whole_round = settings.shard.is_none_or(|s| s.k == 0);
    let position = |i: usize| settings.shard.map(|_| i);

    // Read and segment, one document per task.
    let started = Instant::now();
    progress.stage("reading and segmenting", selected.len() as u64);
    let done = AtomicU64::new(0);
    let from_cache = AtomicU64::new(0);
    let results: Vec<(usize, Result<Read, ErrorRecord>)> = selected
        .par_iter()
        .map(|&(i, planned)| {
            let out = read_one(planned, parts, settings, &from_cache);
            progress.set(done.fetch_add(1, Ordering::Relaxed) + 1);
            (i, out)
        })
        .collect();
    timings.push((
        "read and segment".to_string(),
        started.elapsed().as_secs_f64(),
    ));

    let (mut errors, mut warnings) = if whole_round {
        (
            plan.problems.iter().map(ErrorRecord::from).collect(),
            plan_warnings(plan, parts.ics),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let problems = errors.len();
    let mut documents = Vec::new();
    let mut passages: Vec<(usize, Passage)> = Vec::new();
    for (i, result) in results {
        match result {
            Ok(mut read) => {
                if let Some(warning) = read.warning {
                    warnings.push(ErrorRecord {
                        file: read.document.file.clone(),
                        reason: warning,
                        position: position(i),
                    });
                }
                read.document.position = position(i);
                let d = documents.len();
                documents.push(read.document);
                passages.extend(read.passages.into_iter().map(|p| (d, p)));
            }
            Err(e) => errors.push(ErrorRecord {
                position: position(i),
                ..e
            }),
        }
    }

    // Embed and classify a chunk of distinct texts at a time, so that memory holds a
    // round's scores, not its vectors (a 175,000-passage document would need 1 GB of
    // them). Identical passages (a boilerplate paragraph in every plan of a system, a
    // document in the round twice) are embedded and scored once.
    let texts: Vec<&str> = passages.iter().map(|(_, p)| p.text.as_str()).collect();
    let (unique, slot) = dedupe(&texts);
    let encoder = if parts.classifier.needs_embeddings() {
        let encoder = match parts.cache {
            Some(cached) => Some(cached as &dyn Encoder),
            None => parts.encoder,
        };
        Some(encoder.ok_or_else(|| {
            crate::classify::ClassifyError::NoEmbedding(parts.classifier.name().to_string())
        })?)
    } else {
        None
    };
    progress.stage(
        if encoder.is_some() {
            "embedding and classifying"
        } else {
            "classifying"
        },
        unique.len() as u64,
    );
    // Scores of texts this classifier has scored before come from the cache; only the
    // rest are embedded and classified.
    let n_themes = parts.classifier.labels().len();
    let n_flags = parts.commitment.map_or(0, |c| c.labels().len());
    let n_labels = n_themes + n_flags + parts.facets.map_or(0, |c| c.labels().len());
    let score_keys: Vec<[u8; 32]> = match parts.store {
        Some(_) => unique
            .iter()
            .map(|t| {
                crate::embed::EmbeddingCache::key_of(&[
                    b"scores 1",
                    parts.fingerprints.classifier.as_bytes(),
                    t.as_bytes(),
                ])
            })
            .collect(),
        None => Vec::new(),
    };
    let mut unique_scores: Vec<Option<Vec<f32>>> = match parts.store {
        Some(store) => store
            .get_blobs(crate::embed::Blobs::Scores, &score_keys)
            .unwrap_or_else(|_| vec![None; unique.len()])
            .into_iter()
            .map(|bytes| {
                bytes.filter(|b| b.len() == n_labels * 4).map(|b| {
                    b.chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect()
                })
            })
            .collect(),
        None => vec![None; unique.len()],
    };
    let todo: Vec<usize> = (0..unique.len())
        .filter(|&i| unique_scores[i].is_none())
        .collect();
    let scored_before = unique.len() - todo.len();
    progress.set(scored_before as u64);
    let (mut embed_secs, mut classify_secs, mut truncated) = (0.0, 0.0, 0);
    for (n, chunk) in todo.chunks(SCORE_CHUNK).enumerate() {
        let done = scored_before + n * SCORE_CHUNK;
        let texts: Vec<&str> = chunk.iter().map(|&i| unique[i]).collect();
        let (vectors, cut) = match encoder {
            Some(encoder) => {
                let started = Instant::now();
                let encoded =
                    encoder.encode_observed(&texts, &|n| progress.set((done + n) as u64))?;
                truncated += encoded.truncated.len();
                embed_secs += started.elapsed().as_secs_f64();
                (encoded.vectors, encoded.truncated)
            }
            None => (Vec::new(), Vec::new()),
        };
        let started = Instant::now();
        let inputs = Input::zip(&texts, &vectors);
        let mut scored = parts.classifier.score(&inputs)?;
        // Each row: the themes' scores, then the commitment flags'.
        if let Some(commitment) = parts.commitment {
            for (row, flags) in scored.iter_mut().zip(commitment.score(&inputs)?) {
                row.extend(flags);
            }
        }
        // …then the facets'.
        if let Some(facets) = parts.facets {
            for (row, f) in scored.iter_mut().zip(facets.score(&inputs)?) {
                row.extend(f);
            }
        }
        classify_secs += started.elapsed().as_secs_f64();
        if let Some(store) = parts.store {
            // A truncated text's scores are not its whole text's: not kept.
            let bytes: Vec<([u8; 32], Vec<u8>)> = chunk
                .iter()
                .zip(&scored)
                .enumerate()
                .filter(|(j, _)| !cut.contains(j))
                .map(|(_, (&i, row))| {
                    (
                        score_keys[i],
                        row.iter().flat_map(|x| x.to_le_bytes()).collect(),
                    )
                })
                .collect();
            let entries: Vec<([u8; 32], &[u8])> =
                bytes.iter().map(|(k, b)| (*k, b.as_slice())).collect();
            let _ = store.put_blobs(crate::embed::Blobs::Scores, &entries);
        }
        for (&i, row) in chunk.iter().zip(scored) {
            unique_scores[i] = Some(row);
        }
        progress.set((done + chunk.len()) as u64);
    }
    let unique_scores: Vec<Vec<f32>> = unique_scores
        .into_iter()
        .map(|s| s.expect("every text is scored or found: this is a bug"))
        .collect();
    if let (Some(encoder), true) = (encoder, truncated > 0) {
        tracing::warn!(
            "{truncated} passage(s) were longer than the encoder's {} tokens and were truncated",
            encoder.max_tokens()
        );
    }
    if encoder.is_some() {
        timings.push(("embed".to_string(), embed_secs));
    }
    timings.push(("classify".to_string(), classify_secs));
    let scores: Vec<Vec<f32>> = slot.iter().map(|&u| unique_scores[u].clone()).collect();
    drop(unique_scores);

    let label_ids: Vec<String> = parts.classifier.labels().to_vec();
    let flag_ids: Vec<String> = parts
        .commitment
        .map(|c| c.labels().to_vec())
        .unwrap_or_default();
    let facet_ids: Vec<String> = parts
        .facets
        .map(|c| c.labels().to_vec())
        .unwrap_or_default();
    let mut records: Vec<PassageRecord> = passages
        .into_iter()
        .zip(scores)
        .map(|((d, p), mut row)| {
            let doc = &documents[d];
            let mut flag_scores = row.split_off(n_themes.min(row.len()));
            let facet_scores = flag_scores.split_off(n_flags.min(flag_scores.len()));
            let commitment: Vec<String> = match parts.commitment {
                Some(c) => flag_ids
                    .iter()
                    .zip(&flag_scores)
                    .zip(c.thresholds())
                    .filter(|((_, s), t)| *s >= *t)
                    .map(|((id, _), _)| id.clone())
                    .collect(),
                None => Vec::new(),
            };
            PassageRecord {
                id: p.id,
                doc: p.doc,
                ics: doc.ics.clone(),
                kind: doc.kind,
                page_first: p.page_first,
                page_last: p.page_last,
                paragraph: p.paragraph,
                heading_path: p.heading_path,
                span: p.span,
                text: p.text,
                scores: label_ids
                    .iter()
                    .cloned()
                    .zip(row.into_iter().map(round4))
                    .collect(),
                labels: Vec::new(),
                reviewed: None,
                commitment,
                commitment_scores: flag_ids
                    .iter()
                    .cloned()
                    .zip(flag_scores.into_iter().map(round4))
                    .collect(),
                facet_scores: facet_ids
                    .iter()
                    .cloned()
                    .zip(facet_scores.into_iter().map(round4))
                    .collect(),
                facets: Vec::new(),
            }
        })
        .collect();

    let counts = Counts {
        documents: selected.len() + problems,
        coded: documents.len(),
        failed: errors.len(),
        pages: documents.iter().map(|d| d.pages).sum(),
        passages: records.len(),
    };
    let mut record = RunRecord {
        tool: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        created: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        round: settings.round.clone(),
        manifest: plan.manifest.as_ref().map(|m| m.display().to_string()),
        encoder: parts.encoder_info.clone(),
        cache: parts.store.map(|store| crate::report::CacheInfo {
            path: store.path().display().to_string(),
            found: parts.cache.map_or(0, |c| c.hits()),
            embedded: parts.cache.map_or(0, |c| c.misses()),
            documents: from_cache.load(Ordering::Relaxed) as usize,
            scored: scored_before,
        }),
        classifier: parts.classifier_info.clone(),
        taxonomy: parts.taxonomy_path.display().to_string(),
        taxonomy_hash: parts.taxonomy.hash.clone(),
        labels: parts
            .taxonomy
            .labels
            .iter()
            .map(|l| LabelInfo {
                id: l.id.clone(),
                name: l.name.clone(),
                group: l.group.clone(),
                core: l.core,
                description: l.description.clone(),
            })
            .collect(),
        thresholds: label_ids
            .iter()
            .cloned()
            .zip(parts.classifier.thresholds().iter().copied())
            .collect(),
        presence: settings.presence,
        timings,
        counts,
        documents,
        errors,
        warnings,
        review: None,
        commitment: parts.commitment_info.clone(),
        facets: parts.facet_info.clone(),
        shard: settings.shard,
        national: Vec::new(),
    };
    apply_thresholds(&record, &mut records);

    // Aggregate and report. (The record's timings stop before this stage: it is
    // written inside it. The closing summary gives its time.)
    let started = Instant::now();
    progress.stage("writing reports", 1);
    let coverage =
        write_outputs(&settings.out, &mut record, &records).map_err(|source| RunError::Write {
            dir: settings.out.clone(),
            source,
        })?;
    progress.finish();
    Ok(Outcome {
        record,
        coverage,
        report_secs: started.elapsed().as_secs_f64(),
    })
}

/// A document read and segmented, as the cache keeps it: what the run needs of the
/// document (its first two pages, for identifying its ICS and kind) and of its
/// segmentation.
#[derive(serde::Serialize, serde::Deserialize)]
struct Extracted {
    format: crate::ingest::Format,
    title: Option<String>,
    note: Option<String>,
    page_count: usize,
    first_pages: Vec<crate::ingest::Page>,
    text: String,
    warning: Option<String>,
    passages: Vec<Passage>,
}

/// Bumped whenever reading or segmenting changes what it makes of the same bytes.
const EXTRACTION_VERSION: &str = "extraction 1";

/// The cache key of a document: its bytes and everything that shapes what reading and
/// segmenting make of them. `None` when there is no cache, or the file cannot be read
/// or is over the size limit (reading it then says why).
fn document_key(
    planned: &Planned,
    parts: &Components<'_>,
    settings: &Settings,
) -> Option<[u8; 32]> {
    parts.store?;
    let size = std::fs::metadata(&planned.path).ok()?.len();
    if size > settings.ingest.max_bytes {
        return None;
    }
    let bytes = std::fs::read(&planned.path).ok()?;
    let hash = blake3::hash(&bytes);
    Some(crate::embed::EmbeddingCache::key_of(&[
        EXTRACTION_VERSION.as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        parts.fingerprints.segmenter.as_bytes(),
        &(settings.segment.max_tokens as u64).to_le_bytes(),
        settings.ingest.pdf_engine.as_str().as_bytes(),
        format!("{:?}", settings.ingest.pdfium).as_bytes(),
        hash.as_bytes(),
    ]))
}

/// Reads and segments one planned document, or takes both from the cache; a document
/// that cannot be coded (unread, empty after cleaning, over the passage limit) is its
/// error.
fn read_one(
    planned: &Planned,
    parts: &Components<'_>,
    settings: &Settings,
    from_cache: &AtomicU64,
) -> Result<Read, ErrorRecord> {
    let fail = |reason: String| ErrorRecord {
        file: planned.file.clone(),
        reason,
        position: None,
    };
    let key = document_key(planned, parts, settings);
    let cached = match (parts.store, key) {
        (Some(store), Some(key)) => store
            .get_blobs(crate::embed::Blobs::Documents, &[key])
            .ok()
            .and_then(|mut found| found.pop().flatten())
            .and_then(|bytes| serde_json::from_slice::<Extracted>(&bytes).ok()),
        _ => None,
    };
    let extracted = match cached {
        Some(mut extracted) => {
            from_cache.fetch_add(1, Ordering::Relaxed);
            // The same bytes under another name: the passages take this file's id.
            for (i, p) in extracted.passages.iter_mut().enumerate() {
                p.id = format!("{}#{}", planned.id, i + 1);
                p.doc = planned.id.clone();
            }
            extracted
        }
        None => {
            let mut doc = ingest::read(&planned.path, &settings.ingest)
                .map_err(|e| fail(e.reason.to_string()))?;
            doc.id = planned.id.clone();
            let segmented = split(&doc, parts.tokens, parts.lexicon, &settings.segment);
            let extracted = Extracted {
                format: doc.format,
                title: doc.title,
                note: doc.note,
                page_count: doc.pages.len(),
                first_pages: doc.pages.into_iter().take(2).collect(),
                text: segmented.cleaned.text,
                warning: segmented.cleaned.warning,
                passages: segmented.passages,
            };
            if let (Some(store), Some(key), false) =
                (parts.store, key, extracted.passages.is_empty())
            {
                // A cache that cannot take it costs the next run a re-read, nothing more.
                if let Ok(bytes) = serde_json::to_vec(&extracted) {
                    let _ = store.put_blobs(crate::embed::Blobs::Documents, &[(key, &bytes)]);
                }
            }
            extracted
        }
    };
    let doc = ingest::Document {
        id: planned.id.clone(),
        path: planned.path.clone(),
        format: extracted.format,
        title: extracted.title,
        pages: extracted.first_pages,
        note: extracted.note,
    };
    let identity = identify(planned, Some(&doc), parts.ics);
    if extracted.passages.is_empty() {
        let mut reason = "no passages: after cleaning, nothing is left but headings, page \
                          furniture or blank pages"
            .to_string();
        if let Some(warning) = &extracted.warning {
            reason.push_str(&format!(" ({warning})"));
        }
        return Err(fail(reason));
    }
    if extracted.passages.len() > settings.max_passages {
        return Err(fail(format!(
            "too many passages: {}, over the per-document limit of {} (raise it with \
             --max-passages)",
            extracted.passages.len(),
            settings.max_passages
        )));
    }
    // The text every span points into, kept so each passage can be re-read and
    // quoted exactly (and exported whole to qualitative-analysis tools).
    let text = crate::report::text_file(&planned.id);
    let path = settings.out.join(&text);
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            crate::report::write_atomic(&path, |w| w.write_all(extracted.text.as_bytes()))
        })
        .map_err(|e| fail(format!("cannot keep its text in the run folder ({e})")))?;
    let paged = doc.format == crate::ingest::Format::Pdf;
    Ok(Read {
        document: DocumentRecord {
            id: planned.id.clone(),
            text: Some(text.to_string_lossy().replace('\\', "/")),
            file: planned.file.clone(),
            format: format!("{:?}", doc.format).to_lowercase(),
            title: identity.title,
            year: identity.year,
            ics: identity.ics,
            ics_confidence: identity.ics_confidence,
            ics_basis: identity.ics_basis,
            kind: identity.kind,
            kind_confidence: identity.kind_confidence,
            kind_basis: identity.kind_basis,
            pages: if paged { extracted.page_count } else { 0 },
            passages: extracted.passages.len(),
            note: doc.note,
            position: None,
        },
        passages: extracted.passages,
        warning: extracted.warning,
    })
}

/// The plan's warnings, and what each manifest row gives that cannot be used as given.
fn plan_warnings(plan: &Plan, ics: &IcsTable) -> Vec<ErrorRecord> {
    let mut warnings: Vec<ErrorRecord> = plan.warnings.iter().map(ErrorRecord::from).collect();
    for planned in &plan.documents {
        let Some(row) = &planned.row else { continue };
        for doubt in row_doubts(row, ics) {
            warnings.push(ErrorRecord {
                file: planned.file.clone(),
                reason: format!("{MANIFEST} row {}: {doubt}", row.line),
                position: None,
            });
        }
    }
    warnings
}

/// The distinct texts, in first-seen order, and for each text its index among them.
fn dedupe<'t>(texts: &[&'t str]) -> (Vec<&'t str>, Vec<usize>) {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(texts.len());
    let mut unique = Vec::new();
    let slot = texts
        .iter()
        .map(|&t| {
            *index.entry(t).or_insert_with(|| {
                unique.push(t);
                unique.len() - 1
            })
        })
        .collect();
    (unique, slot)
}

impl From<&PlanProblem> for ErrorRecord {
    fn from(p: &PlanProblem) -> Self {
        ErrorRecord {
            file: p.file.clone(),
            reason: p.reason.clone(),
            position: None,
        }
    }
}

/// Scores are written with four decimals: enough to re-decide thresholds, and a
/// `passages.jsonl` a person can read.
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}
