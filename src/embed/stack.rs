//! Several encoders over the same passages, their vectors end to end: what a head over
//! two encoders (`models/heads/accurate`: MiniLM and all-mpnet-base-v2) reads.
//!
//! A stack of one encoder is that encoder: the same id, variant and vectors, so caches
//! and heads keyed by it are unchanged. A stack of several has an id and a variant made
//! of its parts' (the embedding cache keys the whole vector on them), and each head
//! reads the block of the vector its own encoder filled ([`Stack::block`]).

use std::ops::Range;

use super::{BertEncoder, EmbedError, Encoded, Encoder};

/// Encoders whose vectors are concatenated, first part first.
pub struct Stack {
    parts: Vec<BertEncoder>,
    /// The parts' ids joined by ` + `; the part's own for one.
    id: String,
}

impl Stack {
    /// A stack of `parts`, in the order their blocks take. Refuses no encoder, and the
    /// same encoder twice (each head finds its block by its encoder's id).
    pub fn new(parts: Vec<BertEncoder>) -> Result<Self, EmbedError> {
        if parts.is_empty() {
            return Err(EmbedError::Unsupported("a stack of no encoders".into()));
        }
        for (i, part) in parts.iter().enumerate() {
            if parts[..i].iter().any(|p| p.id() == part.id()) {
                return Err(EmbedError::Unsupported(format!(
                    "{} is named twice among the encoders (from {} and {}); each must be a \
                     different model, and members that share one must name it the same way \
                     (the same model_id, and the same model folder or none)",
                    part.id(),
                    parts[..i]
                        .iter()
                        .find(|p| p.id() == part.id())
                        .map_or_else(String::new, |p| p.dir().display().to_string()),
                    part.dir().display()
                )));
            }
        }
        let id = parts.iter().map(|p| p.id()).collect::<Vec<_>>().join(" + ");
        Ok(Stack { parts, id })
    }

    /// A stack of one encoder: that encoder.
    pub fn one(encoder: BertEncoder) -> Self {
        Stack {
            id: encoder.id().to_string(),
            parts: vec![encoder],
        }
    }

    /// The encoders, in block order.
    pub fn parts(&self) -> &[BertEncoder] {
        &self.parts
    }

    /// The first encoder: its sentence embedding starts every vector, and a stack of
    /// one is just it.
    pub fn first(&self) -> &BertEncoder {
        &self.parts[0]
    }

    /// The encoder with this id, and where its block lies in each vector.
    pub fn block(&self, id: &str) -> Option<(&BertEncoder, Range<usize>)> {
        let mut start = 0;
        for part in &self.parts {
            let end = start + part.dim();
            if part.id() == id {
                return Some((part, start..end));
            }
            start = end;
        }
        None
    }
}

impl Encoder for Stack {
    fn id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.parts.iter().map(|p| p.dim()).sum()
    }

    fn sentence_dim(&self) -> usize {
        self.first().sentence_dim()
    }

    /// The tightest limit of the parts: a text within it is whole for each.
    fn max_tokens(&self) -> usize {
        self.parts.iter().map(|p| p.max_tokens()).min().unwrap_or(0)
    }

    fn variant(&self) -> String {
        self.parts
            .iter()
            .map(|p| p.variant())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The first encoder's count (its tokenizer cuts the passages).
    fn count_tokens(&self, text: &str) -> Result<usize, EmbedError> {
        self.first().count_tokens(text)
    }

    fn encode_observed(
        &self,
        texts: &[&str],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Encoded, EmbedError> {
        if let [one] = self.parts.as_slice() {
            return one.encode_observed(texts, progress);
        }
        // Each part embeds every text in turn. Its share of the progress is its share
        // of the work, about width² × depth (MiniLM 384² × 6 against mpnet's 768² × 12,
        // so the bar does not run ahead through the fast part).
        let work: Vec<f64> = self
            .parts
            .iter()
            .map(|p| (p.sentence_dim() as f64).powi(2) * p.layers()[0] as f64)
            .collect();
        let total: f64 = work.iter().sum();
        let mut out = Encoded {
            vectors: vec![Vec::with_capacity(self.dim()); texts.len()],
            ..Encoded::default()
        };
        let mut before = 0.0;
        for (k, part) in self.parts.iter().enumerate() {
            let (start, share) = (before / total, work[k] / total);
            before += work[k];
            let observed = |done: usize| {
                let fraction = start + share * done as f64 / texts.len().max(1) as f64;
                progress((fraction * texts.len() as f64).floor() as usize)
            };
            let encoded = part.encode_observed(texts, &observed)?;
            for (vector, block) in out.vectors.iter_mut().zip(encoded.vectors) {
                vector.extend(block);
            }
            out.truncated.extend(encoded.truncated);
            out.tokens += encoded.tokens;
        }
        out.truncated.sort_unstable();
        out.truncated.dedup();
        progress(texts.len());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::{tiny, EncoderOptions, Truncation};

    fn tiny_encoder(dir: &std::path::Path, seed: u64, layers: Vec<usize>) -> BertEncoder {
        tiny::TinyBert {
            seed,
            // The second is twice as wide: four times the work per layer.
            hidden: if seed == 2 { 64 } else { 32 },
            ..tiny::TinyBert::default()
        }
        .write(dir)
        .unwrap();
        let options = EncoderOptions {
            extra_layers: layers,
            ..EncoderOptions::new(Truncation::Truncate)
        };
        BertEncoder::from_dir(dir, &options).unwrap()
    }

    #[test]
    fn a_stack_puts_each_parts_vector_in_its_own_block() {
        let tmp = tempfile::tempdir().unwrap();
        let plain = tiny_encoder(&tmp.path().join("a"), 1, vec![]);
        let layered = tiny_encoder(&tmp.path().join("b"), 2, vec![1]);
        let texts = ["Warm homes for older residents.", "A new diabetes clinic."];
        let a = plain.encode(&texts).unwrap();
        let b = layered.encode(&texts).unwrap();

        let single = Stack::one(tiny_encoder(&tmp.path().join("a"), 1, vec![]));
        assert_eq!(single.id(), plain.id(), "a stack of one is its encoder");
        assert_eq!(single.variant(), plain.variant());
        assert_eq!(single.encode(&texts).unwrap(), a);

        let twice = Stack::new(vec![
            tiny_encoder(&tmp.path().join("a"), 1, vec![]),
            tiny_encoder(&tmp.path().join("a"), 1, vec![1]),
        ]);
        let err = twice
            .err()
            .expect("one encoder twice is refused")
            .to_string();
        assert!(err.contains("named twice"), "{err}");
        let stack = Stack::new(vec![plain, layered]).unwrap();
        let both = stack.encode(&texts).unwrap();
        assert_eq!(stack.dim(), a[0].len() + b[0].len());
        let (_, first) = stack.block(stack.parts()[0].id()).unwrap();
        assert_eq!(first, 0..a[0].len());
        let (_, second) = stack.block(stack.parts()[1].id()).unwrap();
        assert_eq!(second, a[0].len()..stack.dim());
        for (i, vector) in both.iter().enumerate() {
            assert_eq!(vector.len(), stack.dim());
            assert_eq!(&vector[..a[0].len()], a[i].as_slice());
            assert_eq!(&vector[a[0].len()..], b[i].as_slice());
        }
        assert!(stack.variant().contains(" + "));
        // Progress is shared by work: the narrow first part is a fifth of it, so after
        // it 2 of 10 texts count as done (not 5); it never falls and ends at 10.
        let ten: Vec<&str> = texts.iter().cycle().take(10).copied().collect();
        let seen = std::sync::Mutex::new(Vec::new());
        stack
            .encode_observed(&ten, &|done| seen.lock().unwrap().push(done))
            .unwrap();
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.first(), Some(&2), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&10), "{seen:?}");
        assert!(stack.block("no-such-model@0").is_none());
    }
}
