//! Embedding benches: batch planning, pooling, a tiny seeded BERT end to end, and the
//! real all-MiniLM-L6-v2 on 64 bench passages when it has been fetched: our fp32 and
//! int8 kernels and candle-transformers' `BertModel`.
//! `scripts/bench-embed.sh` measures the whole 2,000-passage set through the binary.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use planthemes::embed::pooling::{l2_normalize, mean_pool};
use planthemes::embed::tiny::TinyBert;
use planthemes::embed::{
    cosine, plan_batches, resolve_model, BertEncoder, Encoder, EncoderOptions, Kernels,
    ModelRequest, Precision, Truncation,
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench_texts(n: usize) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct P {
        text: String,
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/bench_passages.jsonl");
    let all: Vec<P> = planthemes::jsonl::read_jsonl(&path).expect("bench passages");
    all.into_iter().take(n).map(|p| p.text).collect()
}

fn pure_functions(c: &mut Criterion) {
    let lengths: Vec<usize> = (0..2000).map(|i| 20 + (i * 7919) % 300).collect();
    c.bench_function("plan_batches/2000", |b| {
        b.iter(|| {
            let batches = plan_batches(black_box(&lengths), 32, 32 * 256);
            assert_eq!(batches.iter().map(|b| b.indices.len()).sum::<usize>(), 2000);
        })
    });
    let hidden: Vec<f32> = (0..256 * 384).map(|i| (i % 97) as f32 / 97.0).collect();
    let mask: Vec<u32> = (0..256).map(|i| u32::from(i < 200)).collect();
    c.bench_function("mean_pool+normalize/256x384", |b| {
        b.iter(|| {
            let mut v = mean_pool(black_box(&hidden), &mask, 384);
            l2_normalize(&mut v);
            assert_eq!(v.len(), 384);
        })
    });
}

fn tiny_encoder(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    TinyBert::default().write(&dir).unwrap();
    let enc = BertEncoder::from_dir(&dir, &EncoderOptions::new(Truncation::Truncate)).unwrap();
    let texts = bench_texts(64);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("tiny_bert");
    group.throughput(Throughput::Elements(refs.len() as u64));
    group.bench_function("encode/64", |b| {
        b.iter(|| assert_eq!(enc.encode(black_box(&refs)).unwrap().len(), 64))
    });
    group.finish();
}

fn real_encoder(c: &mut Criterion) {
    let request = ModelRequest {
        allow_download: false,
        ..ModelRequest::default()
    };
    let Ok(location) = resolve_model(&request) else {
        eprintln!("all-MiniLM-L6-v2 not fetched (scripts/fetch-model.sh): skipping its bench");
        return;
    };
    let texts = bench_texts(64);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("minilm_l6");
    group.sample_size(10);
    group.throughput(Throughput::Elements(refs.len() as u64));
    let load = |kernels, precision| {
        let options = EncoderOptions {
            kernels,
            precision,
            ..EncoderOptions::new(Truncation::Truncate)
        };
        BertEncoder::from_dir(&location.dir, &options).unwrap()
    };
    let reference = load(Kernels::Candle, Precision::Fp32)
        .encode(&refs)
        .unwrap();
    for (name, kernels, precision, least) in [
        ("encode/64", Kernels::Auto, Precision::Fp32, 0.999),
        ("encode_int8/64", Kernels::Auto, Precision::Int8, 0.99),
        ("encode_candle/64", Kernels::Candle, Precision::Fp32, 0.999),
    ] {
        let enc = load(kernels, precision);
        group.bench_function(name, |b| {
            b.iter(|| {
                let vectors = enc.encode(black_box(&refs)).unwrap();
                let worst = vectors
                    .iter()
                    .zip(&reference)
                    .map(|(v, r)| cosine(v, r))
                    .fold(1.0, f32::min);
                assert!(worst >= least, "{name}: cosine {worst} with candle's fp32");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pure_functions, tiny_encoder, real_encoder);
criterion_main!(benches);
