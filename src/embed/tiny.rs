//! A tiny BERT (hidden 32, 2 layers) with weights from a seeded generator, written in
//! the same folder layout as a real model, for fast tests and benches of loading,
//! tokenising, batching and pooling. Candle's own RNG cannot be seeded, so weights come
//! from ChaCha8 and are saved as safetensors; the model is then loaded through the same
//! [`BertEncoder::from_dir`](super::BertEncoder::from_dir) as the real one.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Shape of the tiny model.
#[derive(Debug, Clone, Copy)]
pub struct TinyBert {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub intermediate: usize,
    pub max_position: usize,
    /// `max_seq_length` written to `sentence_bert_config.json`.
    pub max_seq_length: usize,
    pub seed: u64,
}

impl Default for TinyBert {
    fn default() -> Self {
        TinyBert {
            hidden: 32,
            layers: 2,
            heads: 4,
            intermediate: 64,
            max_position: 64,
            max_seq_length: 48,
            seed: 7,
        }
    }
}

const SPECIAL: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const WORDS: &str = "the of and to in is for we will with our health care people \
services plan local public by on as are be this that from at have has more their \
housing work jobs smoking access waiting hospital community children older partners \
data outcomes money staff council board priority support improve reduce year";

impl TinyBert {
    /// Writes `config.json`, `tokenizer.json`, `model.safetensors`,
    /// `sentence_bert_config.json` and `1_Pooling/config.json` into `dir`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir.join("1_Pooling"))?;
        let vocab = vocabulary();
        self.write_config(dir, vocab.len())?;
        write_tokenizer(dir, &vocab)?;
        std::fs::write(
            dir.join("sentence_bert_config.json"),
            format!(
                "{{\"max_seq_length\": {}, \"do_lower_case\": false}}",
                self.max_seq_length
            ),
        )?;
        std::fs::write(
            dir.join("1_Pooling/config.json"),
            format!(
                "{{\"word_embedding_dimension\": {}, \"pooling_mode_mean_tokens\": true}}",
                self.hidden
            ),
        )?;
        let tensors = self.weights(vocab.len())?;
        candle_core::safetensors::save(&tensors, dir.join("model.safetensors"))?;
        Ok(())
    }

    fn write_config(&self, dir: &Path, vocab_size: usize) -> anyhow::Result<()> {
        let config = serde_json::json!({
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": vocab_size,
            "hidden_size": self.hidden,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "intermediate_size": self.intermediate,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": self.max_position,
            "type_vocab_size": 2,
            "initializer_range": 0.02,
            "layer_norm_eps": 1e-12,
            "pad_token_id": 0,
            "position_embedding_type": "absolute"
        });
        std::fs::write(
            dir.join("config.json"),
            serde_json::to_string_pretty(&config)?,
        )?;
        Ok(())
    }

    fn weights(&self, vocab_size: usize) -> anyhow::Result<HashMap<String, Tensor>> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut tensors = HashMap::new();
        let mut put = |name: String, shape: &[usize], kind: Init| -> anyhow::Result<()> {
            let n = shape.iter().product();
            let values: Vec<f32> = (0..n)
                .map(|_| match kind {
                    Init::Weight => rng.random_range(-0.2f32..0.2),
                    Init::Bias => rng.random_range(-0.02f32..0.02),
                    Init::Gain => 1.0 + rng.random_range(-0.1f32..0.1),
                })
                .collect();
            tensors.insert(name, Tensor::from_vec(values, shape, &Device::Cpu)?);
            Ok(())
        };
        let (h, i) = (self.hidden, self.intermediate);
        put(
            "embeddings.word_embeddings.weight".into(),
            &[vocab_size, h],
            Init::Weight,
        )?;
        put(
            "embeddings.position_embeddings.weight".into(),
            &[self.max_position, h],
            Init::Weight,
        )?;
        put(
            "embeddings.token_type_embeddings.weight".into(),
            &[2, h],
            Init::Weight,
        )?;
        put("embeddings.LayerNorm.weight".into(), &[h], Init::Gain)?;
        put("embeddings.LayerNorm.bias".into(), &[h], Init::Bias)?;
        for l in 0..self.layers {
            let p = format!("encoder.layer.{l}");
            for name in ["query", "key", "value"] {
                put(
                    format!("{p}.attention.self.{name}.weight"),
                    &[h, h],
                    Init::Weight,
                )?;
                put(format!("{p}.attention.self.{name}.bias"), &[h], Init::Bias)?;
            }
            put(
                format!("{p}.attention.output.dense.weight"),
                &[h, h],
                Init::Weight,
            )?;
            put(format!("{p}.attention.output.dense.bias"), &[h], Init::Bias)?;
            put(
                format!("{p}.attention.output.LayerNorm.weight"),
                &[h],
                Init::Gain,
            )?;
            put(
                format!("{p}.attention.output.LayerNorm.bias"),
                &[h],
                Init::Bias,
            )?;
            put(
                format!("{p}.intermediate.dense.weight"),
                &[i, h],
                Init::Weight,
            )?;
            put(format!("{p}.intermediate.dense.bias"), &[i], Init::Bias)?;
            put(format!("{p}.output.dense.weight"), &[h, i], Init::Weight)?;
            put(format!("{p}.output.dense.bias"), &[h], Init::Bias)?;
            put(format!("{p}.output.LayerNorm.weight"), &[h], Init::Gain)?;
            put(format!("{p}.output.LayerNorm.bias"), &[h], Init::Bias)?;
        }
        Ok(tensors)
    }
}

#[derive(Clone, Copy)]
enum Init {
    Weight,
    Bias,
    Gain,
}

/// Special tokens, whole words, single letters and `##` letters, so that any
/// lower-case ASCII word can be tokenised without [UNK]. No entry repeats (a repeat
/// would leave a hole in the ids).
fn vocabulary() -> Vec<String> {
    let mut vocab: Vec<String> = SPECIAL.iter().map(|s| s.to_string()).collect();
    vocab.extend(WORDS.split_whitespace().map(str::to_string));
    for c in ('a'..='z').chain('0'..='9') {
        vocab.push(c.to_string());
        vocab.push(format!("##{c}"));
    }
    vocab.extend([".", ",", ";", ":", "%", "£", "(", ")", "-", "'"].map(String::from));
    vocab
}

/// A BERT WordPiece tokenizer (lower-casing normaliser, BERT pre-tokeniser,
/// `[CLS] … [SEP]` template), serialised as `tokenizer.json`.
fn write_tokenizer(dir: &Path, vocab: &[String]) -> anyhow::Result<()> {
    use tokenizers::models::wordpiece::WordPiece;
    use tokenizers::normalizers::BertNormalizer;
    use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
    use tokenizers::processors::bert::BertProcessing;

    let vocab_path = dir.join("vocab.txt");
    std::fs::write(&vocab_path, vocab.join("\n") + "\n")?;
    let model = WordPiece::from_file(&vocab_path.to_string_lossy())
        .unk_token("[UNK]".into())
        .build()
        .map_err(|e| anyhow::anyhow!("building the tiny WordPiece model: {e}"))?;
    let mut tokenizer = tokenizers::Tokenizer::new(model);
    tokenizer
        .with_normalizer(Some(BertNormalizer::default()))
        .with_pre_tokenizer(Some(BertPreTokenizer))
        .with_post_processor(Some(BertProcessing::new(
            ("[SEP]".into(), 3),
            ("[CLS]".into(), 2),
        )));
    tokenizer
        .save(dir.join("tokenizer.json"), false)
        .map_err(|e| anyhow::anyhow!("saving the tiny tokenizer: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_has_no_repeats() {
        let vocab = vocabulary();
        let unique: std::collections::HashSet<&String> = vocab.iter().collect();
        assert_eq!(unique.len(), vocab.len());
    }
}
