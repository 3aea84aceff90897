//! Loading, tokenising, batching, truncation and pooling, on a tiny seeded BERT.

use planthemes::embed::{
    cosine, BertEncoder, EmbedError, Encoder, EncoderOptions, Kernels, Precision, Truncation,
};

use crate::support::{norm, tiny_model};

const TEXTS: [&str; 6] = [
    "we will improve access to services",
    "housing",
    "the council and the board will reduce smoking in our local community this year",
    "children and older people",
    "money for staff",
    "data and outcomes for people in the plan will be public by the board",
];

#[test]
fn loads_from_a_folder_and_gives_unit_vectors_in_input_order() {
    let (_tmp, dir) = tiny_model(7);
    let enc = BertEncoder::from_dir(&dir, &EncoderOptions::new(Truncation::Refuse)).unwrap();
    assert_eq!(enc.dim(), 32);
    assert_eq!(enc.max_tokens(), 48);
    assert_eq!(enc.id(), format!("tiny-bert@{}", enc.weight_hash()));
    assert_eq!(enc.weight_hash().len(), 16);

    let vectors = enc.encode(&TEXTS).unwrap();
    assert_eq!(vectors.len(), TEXTS.len());
    for v in &vectors {
        assert_eq!(v.len(), 32);
        assert!((norm(v) - 1.0).abs() < 1e-5, "not unit length: {}", norm(v));
    }
    // Order is the input's: each text alone gives its own row.
    for (text, v) in TEXTS.iter().zip(&vectors) {
        let alone = enc.encode(&[text]).unwrap();
        assert!(cosine(&alone[0], v) > 0.9999);
    }
    assert!(enc.encode(&[]).unwrap().is_empty());
}

#[test]
fn the_seed_decides_the_weights_and_their_hash() {
    let (_a, dir_a) = tiny_model(1);
    let (_b, dir_b) = tiny_model(1);
    let (_c, dir_c) = tiny_model(2);
    let opts = EncoderOptions::new(Truncation::Refuse);
    let a = BertEncoder::from_dir(&dir_a, &opts).unwrap();
    let b = BertEncoder::from_dir(&dir_b, &opts).unwrap();
    let c = BertEncoder::from_dir(&dir_c, &opts).unwrap();
    assert_eq!(a.weight_hash(), b.weight_hash());
    assert_ne!(a.weight_hash(), c.weight_hash());
    assert_eq!(a.encode(&TEXTS).unwrap(), b.encode(&TEXTS).unwrap());
    assert!(
        cosine(
            &a.encode(&TEXTS[..1]).unwrap()[0],
            &c.encode(&TEXTS[..1]).unwrap()[0]
        ) < 0.999
    );
}

#[test]
fn batch_size_and_token_budget_do_not_change_the_vectors() {
    let (_tmp, dir) = tiny_model(3);
    let one = EncoderOptions {
        max_batch: 1,
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let tight = EncoderOptions {
        max_batch: 32,
        max_batch_tokens: Some(40),
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let wide = EncoderOptions::new(Truncation::Refuse);
    let runs: Vec<Vec<Vec<f32>>> = [one, tight, wide]
        .iter()
        .map(|o| {
            BertEncoder::from_dir(&dir, o)
                .unwrap()
                .encode(&TEXTS)
                .unwrap()
        })
        .collect();
    for run in &runs[1..] {
        for (a, b) in runs[0].iter().zip(run) {
            assert!(cosine(a, b) > 0.9999, "cosine {}", cosine(a, b));
        }
    }
}

#[test]
fn progress_reports_every_text_once_in_total() {
    let (_tmp, dir) = tiny_model(4);
    let opts = EncoderOptions {
        max_batch: 2,
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let enc = BertEncoder::from_dir(&dir, &opts).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let out = enc
        .encode_observed(&TEXTS, &|done| seen.lock().unwrap().push(done))
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen, vec![2, 4, 6]);
    assert_eq!(
        out.tokens,
        TEXTS
            .iter()
            .map(|t| enc.count_tokens(t).unwrap())
            .sum::<usize>()
    );
}

#[test]
fn an_over_long_text_is_refused_or_truncated_as_asked() {
    let (_tmp, dir) = tiny_model(5);
    // 60 words, each one token: 62 tokens with [CLS] and [SEP], over the limit of 48.
    let source = "health care people ".repeat(20);
    let words: Vec<&str> = source.split_whitespace().collect();
    let long = words.join(" ");
    let texts = ["housing", long.as_str()];

    let refuse = BertEncoder::from_dir(&dir, &EncoderOptions::new(Truncation::Refuse)).unwrap();
    assert_eq!(refuse.count_tokens(&long).unwrap(), 62);
    match refuse.encode(&texts) {
        Err(EmbedError::TooLong { index, tokens, max }) => {
            assert_eq!((index, tokens, max), (1, 62, 48));
        }
        other => panic!("expected TooLong, got {other:?}"),
    }

    let truncate = BertEncoder::from_dir(&dir, &EncoderOptions::new(Truncation::Truncate)).unwrap();
    let out = truncate.encode_observed(&texts, &|_| {}).unwrap();
    assert_eq!(out.truncated, vec![1]);
    // The truncated text embeds as its first 46 words do (46 + [CLS] + [SEP] = 48).
    let head = words[..46].join(" ");
    let expected = truncate.encode(&[head.as_str()]).unwrap();
    assert!(cosine(&out.vectors[1], &expected[0]) > 0.9999);
    assert_eq!(out.tokens, 3 + 48);
}

#[test]
fn batches_spread_over_workers_come_back_in_input_order() {
    let (_tmp, dir) = tiny_model(8);
    let alone = BertEncoder::from_dir(&dir, &EncoderOptions::new(Truncation::Refuse))
        .unwrap()
        .encode(&TEXTS)
        .unwrap();
    let spread = EncoderOptions {
        max_batch: 1,
        workers: 3,
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let enc = BertEncoder::from_dir(&dir, &spread).unwrap();
    let last = std::sync::Mutex::new(Vec::new());
    let out = enc
        .encode_observed(&TEXTS, &|done| last.lock().unwrap().push(done))
        .unwrap();
    for (a, b) in alone.iter().zip(&out.vectors) {
        assert!(cosine(a, b) > 0.9999, "cosine {}", cosine(a, b));
    }
    // One report per batch; the counts rise to the total whatever order batches end in.
    let mut seen = last.into_inner().unwrap();
    seen.sort_unstable();
    assert_eq!(seen, vec![1, 2, 3, 4, 5, 6]);
}

#[test]
fn a_max_length_below_the_models_own_limits_inputs() {
    let (_tmp, dir) = tiny_model(9);
    let short = EncoderOptions {
        max_length: Some(8),
        ..EncoderOptions::new(Truncation::Refuse)
    };
    let enc = BertEncoder::from_dir(&dir, &short).unwrap();
    assert_eq!(enc.max_tokens(), 8);
    match enc.encode(&[TEXTS[2]]) {
        Err(EmbedError::TooLong { max, .. }) => assert_eq!(max, 8),
        other => panic!("expected TooLong, got {other:?}"),
    }
    // A limit above the model's own is the model's own.
    let long = EncoderOptions {
        max_length: Some(10_000),
        ..EncoderOptions::new(Truncation::Refuse)
    };
    assert_eq!(BertEncoder::from_dir(&dir, &long).unwrap().max_tokens(), 48);
}

fn with(kernels: Kernels, precision: Precision) -> EncoderOptions {
    EncoderOptions {
        kernels,
        precision,
        // Mixed lengths in one batch: padding (candle) against none (ours).
        max_batch: 4,
        ..EncoderOptions::new(Truncation::Refuse)
    }
}

#[test]
fn our_cpu_kernels_match_candles_bert_model() {
    for seed in [3, 11] {
        let (_tmp, dir) = tiny_model(seed);
        let candle = BertEncoder::from_dir(&dir, &with(Kernels::Candle, Precision::Fp32)).unwrap();
        let ours = BertEncoder::from_dir(&dir, &with(Kernels::Auto, Precision::Fp32)).unwrap();
        let (a, b) = (candle.encode(&TEXTS).unwrap(), ours.encode(&TEXTS).unwrap());
        for ((text, x), y) in TEXTS.iter().zip(&a).zip(&b) {
            let c = cosine(x, y);
            assert!(c > 0.99999, "seed {seed}: cosine {c} for {text:?}");
        }
    }
}

#[test]
fn int8_stays_close_to_fp32_and_says_so() {
    let (_tmp, dir) = tiny_model(5);
    let fp32 = BertEncoder::from_dir(&dir, &with(Kernels::Auto, Precision::Fp32)).unwrap();
    let int8 = BertEncoder::from_dir(&dir, &with(Kernels::Auto, Precision::Int8)).unwrap();
    assert_eq!(int8.precision(), Precision::Int8);
    // Same weights, same id: a head trained on fp32 vectors serves int8 runs too
    // (the cache keys the precision separately).
    assert_eq!(int8.id(), fp32.id());
    let (a, b) = (fp32.encode(&TEXTS).unwrap(), int8.encode(&TEXTS).unwrap());
    for ((text, x), y) in TEXTS.iter().zip(&a).zip(&b) {
        let c = cosine(x, y);
        assert!(c > 0.99 && c < 1.0 - 1e-9, "cosine {c} for {text:?}");
    }
}

#[test]
fn int8_is_refused_where_only_candle_runs() {
    let (_tmp, dir) = tiny_model(5);
    let err = BertEncoder::from_dir(&dir, &with(Kernels::Candle, Precision::Int8)).unwrap_err();
    assert!(matches!(err, EmbedError::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("int8"), "{err}");
}

#[test]
fn a_bert_variant_our_kernels_lack_runs_on_candle_in_fp32_and_is_refused_in_int8() {
    let (_tmp, dir) = tiny_model(5);
    let config = dir.join("config.json");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("\"gelu\""), "{text}");
    std::fs::write(&config, text.replace("\"gelu\"", "\"relu\"")).unwrap();

    let fp32 = BertEncoder::from_dir(&dir, &with(Kernels::Auto, Precision::Fp32)).unwrap();
    let candle = BertEncoder::from_dir(&dir, &with(Kernels::Candle, Precision::Fp32)).unwrap();
    assert_eq!(fp32.encode(&TEXTS).unwrap(), candle.encode(&TEXTS).unwrap());

    let err = BertEncoder::from_dir(&dir, &with(Kernels::Auto, Precision::Int8)).unwrap_err();
    assert!(err.to_string().contains("Relu"), "{err}");
}

/// A three-layer tiny BERT, so that it has two middle layers.
fn three_layers(seed: u64) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny-bert");
    planthemes::embed::tiny::TinyBert {
        seed,
        layers: 3,
        ..Default::default()
    }
    .write(&dir)
    .unwrap();
    (tmp, dir)
}

fn middle(kernels: Kernels, extra_layers: Vec<usize>) -> EncoderOptions {
    EncoderOptions {
        extra_layers,
        ..with(kernels, Precision::Fp32)
    }
}

#[test]
fn middle_layers_follow_the_sentence_embedding_as_unit_blocks() {
    let (_tmp, dir) = three_layers(21);
    let plain = BertEncoder::from_dir(&dir, &middle(Kernels::Auto, vec![])).unwrap();
    let layered = BertEncoder::from_dir(&dir, &middle(Kernels::Auto, vec![2, 1])).unwrap();
    assert_eq!((layered.dim(), layered.sentence_dim()), (96, 32));
    assert_eq!(layered.layers(), &[3, 2, 1]);
    assert_eq!((plain.dim(), plain.sentence_dim()), (32, 32));
    // Plain vectors keep their cache key; layered ones get their own.
    assert_eq!(plain.variant(), "fp32/48");
    assert_eq!(layered.variant(), "fp32/48/layers+2,1");

    // The same model cut to its first two layers: its sentence embedding is what
    // layer 2 pools to.
    let (_cut_tmp, cut) = three_layers(21);
    let config = cut.join("config.json");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("\"num_hidden_layers\": 3"), "{text}");
    std::fs::write(
        &config,
        text.replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 2"),
    )
    .unwrap();
    let two = BertEncoder::from_dir(&cut, &middle(Kernels::Auto, vec![])).unwrap();

    let (p, l, t) = (
        plain.encode(&TEXTS).unwrap(),
        layered.encode(&TEXTS).unwrap(),
        two.encode(&TEXTS).unwrap(),
    );
    for i in 0..TEXTS.len() {
        let blocks: Vec<&[f32]> = l[i].chunks(32).collect();
        assert_eq!(blocks.len(), 3);
        for b in &blocks {
            assert!(
                (norm(b) - 1.0).abs() < 1e-5,
                "block not unit length: {}",
                norm(b)
            );
        }
        assert_eq!(blocks[0], p[i].as_slice(), "sentence embedding changed");
        assert!(
            cosine(blocks[1], &t[i]) > 0.99999,
            "layer 2 is not the 2-layer model's output"
        );
        assert!(
            cosine(blocks[1], blocks[2]) < 0.9999,
            "layers 2 and 1 pooled alike"
        );
    }
}

#[test]
fn middle_layers_match_between_our_kernels_and_candle() {
    let (_tmp, dir) = three_layers(22);
    let ours = BertEncoder::from_dir(&dir, &middle(Kernels::Auto, vec![1, 2])).unwrap();
    let candle = BertEncoder::from_dir(&dir, &middle(Kernels::Candle, vec![1, 2])).unwrap();
    let (a, b) = (ours.encode(&TEXTS).unwrap(), candle.encode(&TEXTS).unwrap());
    for ((text, x), y) in TEXTS.iter().zip(&a).zip(&b) {
        assert_eq!(x.len(), 96);
        for (k, (u, v)) in x.chunks(32).zip(y.chunks(32)).enumerate() {
            let c = cosine(u, v);
            assert!(c > 0.99999, "block {k}: cosine {c} for {text:?}");
        }
    }
}

#[test]
fn a_middle_layer_that_is_not_one_is_refused() {
    let (_tmp, dir) = three_layers(23);
    for (extra, says) in [
        (vec![0], "middle layers are 1 to 2"),
        (vec![3], "middle layers are 1 to 2"),
        (vec![1, 1], "asked for twice"),
    ] {
        let err = BertEncoder::from_dir(&dir, &middle(Kernels::Auto, extra.clone())).unwrap_err();
        assert!(
            matches!(err, EmbedError::Unsupported(_)),
            "{extra:?}: {err}"
        );
        assert!(err.to_string().contains(says), "{extra:?}: {err}");
    }
}
