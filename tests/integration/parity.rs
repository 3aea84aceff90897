//! The real all-MiniLM-L6-v2 against vectors from the Python sentence-transformers
//! implementation (tests/data/minilm_reference.jsonl: 50 passages, max length 256).

use std::path::Path;

use planthemes::embed::{
    cosine, BertEncoder, EmbedError, Encoder, EncoderOptions, Precision, Truncation,
};
use serde::Deserialize;

use crate::support::{norm, real_model_dir};

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
