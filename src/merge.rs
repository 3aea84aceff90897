//! Partial runs back into one: `planthemes run --shard K/N` codes a deterministic part
//! of a round on each machine, and [`merge`] puts the N parts together in the round's
//! order, so that the merged outputs are a single run's, timings and run ids apart.

use std::collections::{BTreeSet, HashMap};

use crate::report::{CacheInfo, ErrorRecord, PassageRecord, RunRecord};

/// Why parts cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}: not a partial run (it was not made with run --shard K/N)")]
    NotAShard(String),
    #[error("the parts split the round in different numbers of shards ({0})")]
    Counts(String),
    #[error("shard(s) {missing} of {n} missing{}", if .duplicate.is_empty() { String::new() } else { format!("; shard(s) {} given twice", .duplicate) })]
    Incomplete {
        n: usize,
        missing: String,
        duplicate: String,
    },
    #[error("{0} and {1} were coded differently ({2}); re-run the shards with the same settings")]
    Different(String, String, String),
}

/// A partial run: its folder (for messages), record and passages.
pub struct Part {
    pub dir: String,
    pub record: RunRecord,
    pub passages: Vec<PassageRecord>,
}

/// Combines the shards of one round into a single run's record and passages.
pub fn merge(mut parts: Vec<Part>) -> Result<(RunRecord, Vec<PassageRecord>), MergeError> {
    let mut shards = Vec::new();
    for p in &parts {
        shards.push(
            p.record
                .shard
                .ok_or_else(|| MergeError::NotAShard(p.dir.clone()))?,
        );
    }
    let ns: BTreeSet<usize> = shards.iter().map(|s| s.n).collect();
    if ns.len() != 1 {
        return Err(MergeError::Counts(
            ns.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    let n = shards[0].n;
    let mut seen = vec![0; n];
    for s in &shards {
        seen[s.k] += 1;
    }
    let list = |f: &dyn Fn(usize) -> bool| {
        (0..n)
            .filter(|&k| f(seen[k]))
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (missing, duplicate) = (list(&|c| c == 0), list(&|c| c > 1));
    if !missing.is_empty() || !duplicate.is_empty() {
        return Err(MergeError::Incomplete {
            n,
            missing,
            duplicate,
        });
    }
    for p in &parts[1..] {
        let mut differ = crate::diff::differences(&parts[0].record, &p.record);
        // Shards must also agree on what `diff` lets differ: the commitment and facet
        // heads whole (one shard run without one, other thresholds, other rates), and
        // the measured error rates the honest columns come from.
        let (first, this) = (&parts[0].record, &p.record);
        for (what, a, b) in [
            ("commitment", &first.commitment, &this.commitment),
            ("facet", &first.facets, &this.facets),
        ] {
            let same = match (a, b) {
                (Some(a), Some(b)) => a.same_decisions(b),
                (None, None) => true,
                _ => false,
            };
            if !same && !differ.iter().any(|d| d.starts_with(what)) {
                let name = |h: &Option<crate::report::CommitmentInfo>| {
                    h.as_ref().map_or("none".to_string(), |h| h.head.clone())
                };
                differ.push(format!(
                    "{what} head, its thresholds or rates ({} vs {})",
                    name(a),
                    name(b)
                ));
            }
        }
        if first.classifier.rates != this.classifier.rates {
            differ.push("the classifier's measured error rates (rates.json)".into());
        }
        if parts[0].record.version != p.record.version {
            differ.push(format!(
                "planthemes {} vs {}",
                parts[0].record.version, p.record.version
            ));
        }
        if !differ.is_empty() {
            return Err(MergeError::Different(
                parts[0].dir.clone(),
                p.dir.clone(),
                differ.join("; "),
            ));
        }
    }
    parts.sort_by_key(|p| p.record.shard.map(|s| s.k));

    // Documents in the round's order; passages in their documents' order.
    let mut documents: Vec<_> = parts
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.record.documents))
        .collect();
    documents.sort_by_key(|d| d.position);
    let order: HashMap<String, usize> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    let mut passages: Vec<PassageRecord> = parts
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.passages))
        .collect();
    // Stable: a document's passages keep their order.
    passages.sort_by_key(|p| order.get(&p.doc).copied().unwrap_or(usize::MAX));
    for d in &mut documents {
        d.position = None;
    }

    // What concerns the whole round (shard 0's, unpositioned) first, then each
    // document's in the round's order: as a single run lists them.
    let ordered = |lists: Vec<Vec<ErrorRecord>>| -> Vec<ErrorRecord> {
        let all: Vec<ErrorRecord> = lists.into_iter().flatten().collect();
        let (mut round, mut placed): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|e| e.position.is_none());
        placed.sort_by_key(|e| e.position);
        round.extend(placed);
        for e in &mut round {
            e.position = None;
        }
        round
    };
    let errors = ordered(
        parts
            .iter_mut()
            .map(|p| std::mem::take(&mut p.record.errors))
            .collect(),
    );
    let warnings = ordered(
        parts
            .iter_mut()
            .map(|p| std::mem::take(&mut p.record.warnings))
            .collect(),
    );

    let mut record = parts[0].record.clone();
    record.created = parts
        .iter()
        .map(|p| p.record.created.clone())
        .min()
        .unwrap_or_default();
    record.shard = None;
    record.review = None;
    record.national = Vec::new();
    record.counts = Default::default();
    let mut timings: Vec<(String, f64)> = Vec::new();
    for p in &parts {
        let c = &p.record.counts;
        record.counts.documents += c.documents;
        record.counts.coded += c.coded;
        record.counts.failed += c.failed;
        record.counts.pages += c.pages;
        record.counts.passages += c.passages;
        // Machine time: each stage summed over the parts.
        for (stage, secs) in &p.record.timings {
            match timings.iter_mut().find(|(s, _)| s == stage) {
                Some((_, total)) => *total += secs,
                None => timings.push((stage.clone(), *secs)),
            }
        }
    }
    record.timings = timings;
    record.cache = parts
        .iter()
        .filter_map(|p| p.record.cache.clone())
        .reduce(|a, b| CacheInfo {
            path: a.path,
            found: a.found + b.found,
            embedded: a.embedded + b.embedded,
            documents: a.documents + b.documents,
            scored: a.scored + b.scored,
        });
    record.documents = documents;
    record.errors = errors;
    record.warnings = warnings;
    Ok((record, passages))
}
