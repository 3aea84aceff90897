//! The real all-MiniLM-L6-v2 against vectors from the Python sentence-transformers
//! implementation (tests/data/minilm_reference.jsonl: 50 passages, max length 256),
//! and the opt-in all-mpnet-base-v2 against the same passages through
//! sentence-transformers and, for a middle layer, transformers
//! (tests/data/mpnet_reference.jsonl).

use std::path::Path;

use planthemes::embed::{
    cosine, BertEncoder, EmbedError, Encoder, EncoderOptions, Kernels, Precision, Truncation,
};
use serde::Deserialize;

use crate::support::{norm, real_model_dir, real_mpnet_dir};

#[derive(Deserialize)]
struct Reference {
    id: String,
    text: String,
    embedding: Vec<f32>,
}

fn references() -> Vec<Reference> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/minilm_reference.jsonl");
    planthemes::jsonl::read_jsonl(&path).expect("reading the reference vectors")
}

#[test]
fn every_reference_passage_matches_sentence_transformers() {
    let refs = references();
    assert_eq!(refs.len(), 50);
    let enc = BertEncoder::from_dir(
        &real_model_dir(),
        &EncoderOptions::new(Truncation::Truncate),
    )
    .unwrap();
    assert_eq!(enc.dim(), 384);
    assert_eq!(enc.max_tokens(), 256);
    assert!(enc.id().starts_with("all-MiniLM-L6-v2@"), "{}", enc.id());

    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    let out = enc.encode_observed(&texts, &|_| {}).unwrap();

    // p0045 is 262 tokens: sentence-transformers truncated it silently; we say so.
    let truncated: Vec<&str> = out.truncated.iter().map(|&i| refs[i].id.as_str()).collect();
    assert_eq!(truncated, ["p0045"]);

    let mut worst = (1.0f32, "");
    for (r, v) in refs.iter().zip(&out.vectors) {
        assert!((norm(v) - 1.0).abs() < 1e-4);
        let c = cosine(v, &r.embedding);
        if c < worst.0 {
            worst = (c, &r.id);
        }
    }
    assert!(
        worst.0 >= 0.999,
        "{} has cosine {} with the reference",
        worst.1,
        worst.0
    );
}

#[test]
fn by_default_the_over_long_reference_passage_is_refused_by_name() {
    let refs = references();
    let enc =
        BertEncoder::from_dir(&real_model_dir(), &EncoderOptions::new(Truncation::Refuse)).unwrap();
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    match enc.encode(&texts) {
        Err(EmbedError::TooLong { index, tokens, max }) => {
            assert_eq!(refs[index].id, "p0045");
            assert_eq!((tokens, max), (262, 256));
        }
        other => panic!(
            "expected p0045 to be refused, got {:?}",
            other.map(|v| v.len())
        ),
    }
}

#[test]
fn a_text_alone_embeds_as_it_does_inside_a_batch_of_mixed_lengths() {
    let refs = references();
    let enc = BertEncoder::from_dir(
        &real_model_dir(),
        &EncoderOptions::new(Truncation::Truncate),
    )
    .unwrap();
    // Mixed lengths, so every text but the longest is padded inside the batch.
    let mut picked: Vec<&str> = refs.iter().map(|r| r.text.as_str()).take(12).collect();
    picked.push("Housing.");
    let together = enc.encode(&picked).unwrap();
    for (text, v) in picked.iter().zip(&together) {
        let alone = enc.encode(&[text]).unwrap();
        let c = cosine(&alone[0], v);
        assert!(c > 0.9999, "cosine {c} for {text:?}");
    }
}

#[test]
fn int8_stays_within_cosine_0_99_of_sentence_transformers() {
    let refs = references();
    let options = EncoderOptions {
        precision: Precision::Int8,
        ..EncoderOptions::new(Truncation::Truncate)
    };
    let enc = BertEncoder::from_dir(&real_model_dir(), &options).unwrap();
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    let vectors = enc.encode(&texts).unwrap();
    let cosines: Vec<f32> = refs
        .iter()
        .zip(&vectors)
        .map(|(r, v)| cosine(v, &r.embedding))
        .collect();
    let worst = cosines.iter().copied().fold(1.0f32, f32::min);
    assert!(worst >= 0.99, "worst int8 cosine {worst}");
    // It is a different computation, not fp32 under another name.
    assert!(
        cosines.iter().any(|&c| c < 0.9999),
        "int8 matches fp32 exactly"
    );
}

#[derive(Deserialize)]
struct MpnetReference {
    id: String,
    text: String,
    tokens: usize,
    embedding: Vec<f32>,
    /// Layer 8's token states, mean-pooled and L2-normalised (transformers'
    /// `hidden_states[8]`).
    layer8: Vec<f32>,
}

fn mpnet_references() -> Vec<MpnetReference> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mpnet_reference.jsonl");
    planthemes::jsonl::read_jsonl(&path).expect("reading the MPNet reference vectors")
}

/// The worst cosine between `vectors` (or the slice of each that `part` picks) and
/// the references' `expected`, with the passage it belongs to.
fn worst_cosine<'a>(
    refs: &'a [MpnetReference],
    vectors: &[Vec<f32>],
    expected: impl Fn(&MpnetReference) -> &[f32],
    part: impl Fn(&[f32]) -> &[f32],
) -> (f32, &'a str) {
    refs.iter()
        .zip(vectors)
        .map(|(r, v)| (cosine(part(v), expected(r)), r.id.as_str()))
        .fold((1.0, ""), |worst, c| if c.0 < worst.0 { c } else { worst })
}

#[test]
fn mpnet_with_a_middle_layer_matches_sentence_transformers_and_transformers() {
    let refs = mpnet_references();
    assert_eq!(refs.len(), 50);
    let options = EncoderOptions {
        extra_layers: vec![8],
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let enc = BertEncoder::from_dir(&real_mpnet_dir(), &options).unwrap();
    assert_eq!((enc.dim(), enc.sentence_dim()), (1536, 768));
    assert_eq!(enc.max_tokens(), 384);
    assert!(enc.id().starts_with("all-mpnet-base-v2@"), "{}", enc.id());
    for r in &refs {
        assert_eq!(enc.count_tokens(&r.text).unwrap(), r.tokens, "{}", r.id);
    }

    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    let out = enc.encode_observed(&texts, &|_| {}).unwrap();
    assert!(out.truncated.is_empty());
    for v in &out.vectors {
        assert!((norm(&v[..768]) - 1.0).abs() < 1e-4);
        assert!((norm(&v[768..]) - 1.0).abs() < 1e-4);
    }
    let last = worst_cosine(&refs, &out.vectors, |r| &r.embedding, |v| &v[..768]);
    assert!(
        last.0 >= 0.999,
        "{} has cosine {} with sentence-transformers",
        last.1,
        last.0
    );
    let middle = worst_cosine(&refs, &out.vectors, |r| &r.layer8, |v| &v[768..]);
    assert!(
        middle.0 >= 0.999,
        "{}'s layer 8 has cosine {}",
        middle.1,
        middle.0
    );
    // The layers are different readings, not one copied twice.
    let same = worst_cosine(&refs, &out.vectors, |r| &r.embedding, |v| &v[768..]);
    assert!(same.0 < 0.99, "layer 8 matches the last layer ({})", same.0);
}

#[test]
fn mpnet_in_int8_stays_within_cosine_0_99_of_sentence_transformers() {
    let refs = mpnet_references();
    let options = EncoderOptions {
        precision: Precision::Int8,
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let enc = BertEncoder::from_dir(&real_mpnet_dir(), &options).unwrap();
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    let vectors = enc.encode(&texts).unwrap();
    let (worst, id) = worst_cosine(&refs, &vectors, |r| &r.embedding, |v| v);
    assert!(worst >= 0.99, "worst int8 cosine {worst} ({id})");
    let best = refs
        .iter()
        .zip(&vectors)
        .map(|(r, v)| cosine(v, &r.embedding))
        .fold(0.0f32, f32::max);
    assert!(best < 0.9999, "int8 matches fp32 exactly");
}

#[test]
fn mpnet_on_candle_kernels_is_refused_with_the_way_out() {
    let options = EncoderOptions {
        kernels: Kernels::Candle,
        ..EncoderOptions::new(Truncation::Refuse)
    };
    match BertEncoder::from_dir(&real_mpnet_dir(), &options) {
        Err(EmbedError::Unsupported(reason)) => {
            assert!(reason.contains("MPNet"), "{reason}");
            assert!(reason.contains("--candle-kernels"), "{reason}");
        }
        Err(other) => panic!("expected Unsupported, got {other}"),
        Ok(_) => panic!("candle's BertModel cannot run MPNet, yet it loaded"),
    }
}
