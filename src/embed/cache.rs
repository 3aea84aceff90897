//! A content-addressed embedding cache on disk (redb, one file), so a re-run of an
//! unchanged round, or of one where a few documents changed, embeds only new text,
//! and a run killed part-way keeps what it finished.
//!
//! Key: BLAKE3 of (encoder id, which includes the weight hash; the encoder's variant,
//! its precision and token limit; text).
//! Value: the unit vector as little-endian f32. Misses are embedded in chunks and
//! each chunk is committed as it finishes.
//!
//! The same file holds two more tables, so that an unchanged round is not redone
//! ([`Blobs`]): each document's extraction and passages, keyed by its bytes and the
//! segmenter's settings, and each passage's classifier scores, keyed by the classifier
//! (head, encoder, taxonomy) and its text.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use redb::{Database, ReadableDatabase, TableDefinition};

use super::{EmbedError, Encoded, Encoder};

const VECTORS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("vectors");
const DOCUMENTS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("documents");
const SCORES: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("scores");

/// The cache's other tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blobs {
    /// A document read and segmented (`pipeline`'s own serialisation).
    Documents,
    /// A passage's scores, one little-endian f32 per label.
    Scores,
}

impl Blobs {
    fn table(self) -> TableDefinition<'static, &'static [u8; 32], &'static [u8]> {
        match self {
            Blobs::Documents => DOCUMENTS,
            Blobs::Scores => SCORES,
        }
    }
}

/// Texts embedded between commits: small enough that a kill loses little, large
/// enough that the encoder's length-sorted batches stay full.
const CHUNK: usize = 64;

/// Why a cache is refused when another process holds it (redb locks the file).
pub const IN_USE: &str = "in use by another planthemes process";

/// The cache file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: embedding cache unusable ({reason})", path.display())]
pub struct CacheError {
    pub path: PathBuf,
    pub reason: String,
}

/// An open cache file.
pub struct EmbeddingCache {
    db: Database,
    path: PathBuf,
}

/// Where the cache lives by default: `$XDG_CACHE_HOME/planthemes/embeddings.redb`,
/// else `~/.cache/planthemes/embeddings.redb`, else `.planthemes-cache/` here.
pub fn default_cache_path() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".planthemes-cache"));
    base.join("planthemes").join("embeddings.redb")
}

impl EmbeddingCache {
    /// Opens or creates the cache file (and its folder).
    pub fn open(path: &Path) -> Result<Self, CacheError> {
        let fail = |reason: String| CacheError {
            path: path.to_path_buf(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        }
        let db = Database::create(path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => fail(IN_USE.into()),
            e => fail(e.to_string()),
        })?;
        let txn = db.begin_write().map_err(|e| fail(e.to_string()))?;
        for table in [VECTORS, DOCUMENTS, SCORES] {
            txn.open_table(table).map_err(|e| fail(e.to_string()))?;
        }
        txn.commit().map_err(|e| fail(e.to_string()))?;
        Ok(EmbeddingCache {
            db,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn key(encoder: &str, variant: &str, text: &str) -> [u8; 32] {
        Self::key_of(&[encoder.as_bytes(), variant.as_bytes(), text.as_bytes()])
    }

    /// A key from parts, each length-prefixed so that no two lists of parts collide.
    pub fn key_of(parts: &[&[u8]]) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        for part in parts {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        *h.finalize().as_bytes()
    }

    /// Values stored under `keys` in `table` (`None` where there is none).
    pub fn get_blobs(
        &self,
        table: Blobs,
        keys: &[[u8; 32]],
    ) -> Result<Vec<Option<Vec<u8>>>, CacheError> {
        let fail = |e: String| CacheError {
            path: self.path.clone(),
            reason: e,
        };
        let txn = self.db.begin_read().map_err(|e| fail(e.to_string()))?;
        let table = txn
            .open_table(table.table())
            .map_err(|e| fail(e.to_string()))?;
        keys.iter()
            .map(|k| {
                let value = table.get(k).map_err(|e| fail(e.to_string()))?;
                Ok(value.map(|v| v.value().to_vec()))
            })
            .collect()
    }

    /// Stores values in `table`, in one transaction.
    pub fn put_blobs(&self, table: Blobs, entries: &[([u8; 32], &[u8])]) -> Result<(), CacheError> {
        let fail = |e: String| CacheError {
            path: self.path.clone(),
            reason: e,
        };
        let txn = self.db.begin_write().map_err(|e| fail(e.to_string()))?;
        {
            let mut table = txn
                .open_table(table.table())
                .map_err(|e| fail(e.to_string()))?;
            for (key, value) in entries {
                table.insert(key, *value).map_err(|e| fail(e.to_string()))?;
            }
        }
        txn.commit().map_err(|e| fail(e.to_string()))
    }

    fn get_many(&self, keys: &[[u8; 32]], dim: usize) -> Result<Vec<Option<Vec<f32>>>, String> {
        let txn = self.db.begin_read().map_err(|e| e.to_string())?;
        let table = txn.open_table(VECTORS).map_err(|e| e.to_string())?;
        keys.iter()
            .map(|k| {
                let Some(value) = table.get(k).map_err(|e| e.to_string())? else {
                    return Ok(None);
                };
                let bytes = value.value();
                if bytes.len() != dim * 4 {
                    return Ok(None); // another encoder's shape: treat as a miss
                }
                Ok(Some(
                    bytes
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect(),
                ))
            })
            .collect()
    }

    fn put_many(&self, entries: &[([u8; 32], &[f32])]) -> Result<(), String> {
        let txn = self.db.begin_write().map_err(|e| e.to_string())?;
        {
            let mut table = txn.open_table(VECTORS).map_err(|e| e.to_string())?;
            let mut bytes = Vec::new();
            for (key, vector) in entries {
                bytes.clear();
                bytes.extend(vector.iter().flat_map(|x| x.to_le_bytes()));
                table
                    .insert(key, bytes.as_slice())
                    .map_err(|e| e.to_string())?;
            }
        }
        txn.commit().map_err(|e| e.to_string())
    }
}

/// An encoder in front of a cache: answers what the cache has, embeds the rest.
pub struct CachedEncoder<'a> {
    inner: &'a dyn Encoder,
    cache: &'a EmbeddingCache,
    variant: String,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl<'a> CachedEncoder<'a> {
    /// Vectors are keyed by the encoder's id and [`Encoder::variant`] with the text.
    pub fn new(inner: &'a dyn Encoder, cache: &'a EmbeddingCache) -> Self {
        CachedEncoder {
            inner,
            cache,
            variant: inner.variant(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The cache file behind this encoder.
    pub fn cache_path(&self) -> &Path {
        self.cache.path()
    }

    /// Texts answered from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Texts embedded (and stored) so far.
    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }

    fn cache_error(&self, reason: String) -> EmbedError {
        EmbedError::Cache(CacheError {
            path: self.cache.path.clone(),
            reason,
        })
    }
}

impl Encoder for CachedEncoder<'_> {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn sentence_dim(&self) -> usize {
        self.inner.sentence_dim()
    }

    fn max_tokens(&self) -> usize {
        self.inner.max_tokens()
    }

    fn variant(&self) -> String {
        self.variant.clone()
    }

    fn count_tokens(&self, text: &str) -> Result<usize, EmbedError> {
        self.inner.count_tokens(text)
    }

    fn encode_observed(
        &self,
        texts: &[&str],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Encoded, EmbedError> {
        let keys: Vec<[u8; 32]> = texts
            .iter()
            .map(|t| EmbeddingCache::key(self.inner.id(), &self.variant, t))
            .collect();
        let found = self
            .cache
            .get_many(&keys, self.inner.dim())
            .map_err(|e| self.cache_error(e))?;
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| found[i].is_none()).collect();
        let hits = texts.len() - missing.len();
        self.hits.fetch_add(hits, Ordering::Relaxed);
        progress(hits);

        let mut vectors: Vec<Option<Vec<f32>>> = found;
        let mut truncated = Vec::new();
        let mut tokens = 0;
        let mut done = hits;
        for chunk in missing.chunks(CHUNK) {
            let chunk_texts: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            let encoded = self
                .inner
                .encode_observed(&chunk_texts, &|n| progress(done + n))
                .map_err(|e| match e {
                    // Indices in errors are the caller's, not the chunk's.
                    EmbedError::TooLong { index, tokens, max } => EmbedError::TooLong {
                        index: chunk[index],
                        tokens,
                        max,
                    },
                    EmbedError::Tokenize { index, reason } => EmbedError::Tokenize {
                        index: chunk[index],
                        reason,
                    },
                    other => other,
                })?;
            // A truncated text's vector is not its whole text's: not cached, so a
            // later run embeds it again and warns again.
            let entries: Vec<([u8; 32], &[f32])> = chunk
                .iter()
                .enumerate()
                .filter(|(j, _)| !encoded.truncated.contains(j))
                .map(|(j, &i)| (keys[i], encoded.vectors[j].as_slice()))
                .collect();
            self.cache
                .put_many(&entries)
                .map_err(|e| self.cache_error(e))?;
            truncated.extend(encoded.truncated.iter().map(|&j| chunk[j]));
            tokens += encoded.tokens;
            for (&i, v) in chunk.iter().zip(encoded.vectors) {
                vectors[i] = Some(v);
            }
            done += chunk.len();
            self.misses.fetch_add(chunk.len(), Ordering::Relaxed);
            progress(done);
        }
        Ok(Encoded {
            vectors: vectors
                .into_iter()
                .map(|v| v.expect("every text is found or embedded: this is a bug"))
                .collect(),
            truncated,
            tokens,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake encoder: the vector is the text's length and first byte; counts calls.
    struct Fake {
        calls: AtomicUsize,
        precision: &'static str,
        max_tokens: usize,
    }

    impl Fake {
        fn new(precision: &'static str, max_tokens: usize) -> Self {
            Fake {
                calls: AtomicUsize::new(0),
                precision,
                max_tokens,
            }
        }
    }

    impl Encoder for Fake {
        fn id(&self) -> &str {
            "fake@1"
        }
        fn dim(&self) -> usize {
            2
        }
        fn max_tokens(&self) -> usize {
            self.max_tokens
        }
        fn variant(&self) -> String {
            format!("{}/{}", self.precision, self.max_tokens)
        }
        fn count_tokens(&self, text: &str) -> Result<usize, EmbedError> {
            Ok(text.len())
        }
        fn encode_observed(
            &self,
            texts: &[&str],
            _: &(dyn Fn(usize) + Sync),
        ) -> Result<Encoded, EmbedError> {
            self.calls.fetch_add(texts.len(), Ordering::Relaxed);
            Ok(Encoded {
                vectors: texts
                    .iter()
                    .map(|t| vec![t.len() as f32, f32::from(t.as_bytes()[0])])
                    .collect(),
                truncated: Vec::new(),
                tokens: texts.len(),
            })
        }
    }

    #[test]
    fn embeds_only_what_the_cache_lacks_and_keeps_it_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.redb");
        let fake = Fake::new("fp32", 100);
        let texts = ["alpha", "beta", "gamma"];
        {
            let cache = EmbeddingCache::open(&path).unwrap();
            let cached = CachedEncoder::new(&fake, &cache);
            let first = cached.encode(&texts).unwrap();
            assert_eq!(first[1], vec![4.0, f32::from(b'b')]);
            assert_eq!((cached.hits(), cached.misses()), (0, 3));
        }
        let cache = EmbeddingCache::open(&path).unwrap();
        let cached = CachedEncoder::new(&fake, &cache);
        let again = cached.encode(&["gamma", "delta", "alpha"]).unwrap();
        assert_eq!(again[0], vec![5.0, f32::from(b'g')]);
        assert_eq!(again[1], vec![5.0, f32::from(b'd')]);
        assert_eq!((cached.hits(), cached.misses()), (2, 1));
        assert_eq!(fake.calls.load(Ordering::Relaxed), 4);

        // Another precision is another key.
        let int8_fake = Fake::new("int8", 100);
        let int8 = CachedEncoder::new(&int8_fake, &cache);
        int8.encode(&["alpha"]).unwrap();
        assert_eq!(int8.misses(), 1);

        // So is another token limit (a long text is cut elsewhere).
        let short = Fake::new("fp32", 50);
        let cached = CachedEncoder::new(&short, &cache);
        cached.encode(&["alpha"]).unwrap();
        assert_eq!((cached.hits(), cached.misses()), (0, 1));
    }

    #[test]
    fn a_file_that_is_not_a_cache_is_a_named_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.redb");
        std::fs::write(&path, b"this is not a redb file at all, just text").unwrap();
        let err = EmbeddingCache::open(&path)
            .err()
            .expect("garbage must not open");
        assert!(err.to_string().contains("cache.redb"), "{err}");
    }
}
