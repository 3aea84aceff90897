//! Token-budget batching, sorted by length (as text-embeddings-inference's queue
//! does): texts of similar length share a batch, so almost no compute goes on padding.

/// Indices of the texts in one forward pass, shortest first, and the padded length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub indices: Vec<usize>,
    pub padded_len: usize,
}

/// Groups texts with token counts `lengths` into batches of at most `max_batch` texts
/// and at most `max_tokens` padded tokens (rows × longest row). A single text longer
/// than the token budget still gets a batch of its own. Every index appears exactly
/// once; the order of equal lengths follows the input (stable sort).
pub fn plan_batches(lengths: &[usize], max_batch: usize, max_tokens: usize) -> Vec<Batch> {
    let max_batch = max_batch.max(1);
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);

    let mut batches = Vec::new();
    let mut current = Batch {
        indices: Vec::new(),
        padded_len: 0,
    };
    for i in order {
        let len = lengths[i];
        // Sorted ascending, so this text sets the batch's padded length.
        let would_be = (current.indices.len() + 1) * len;
        if !current.indices.is_empty()
            && (current.indices.len() == max_batch || would_be > max_tokens)
        {
            batches.push(std::mem::replace(
                &mut current,
                Batch {
                    indices: Vec::new(),
                    padded_len: 0,
                },
            ));
        }
        current.indices.push(i);
        current.padded_len = len;
    }
    if !current.indices.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_length_and_respects_both_limits() {
        let lengths = [10, 3, 7, 3, 12, 5];
        let batches = plan_batches(&lengths, 2, 100);
        let order: Vec<Vec<usize>> = batches.iter().map(|b| b.indices.clone()).collect();
        assert_eq!(order, vec![vec![1, 3], vec![5, 2], vec![0, 4]]);
        assert_eq!(
            batches.iter().map(|b| b.padded_len).collect::<Vec<_>>(),
            vec![3, 7, 12]
        );

        // A token budget of 20 allows 2 × 7 but not 3 × 7 or 2 × 12.
        let batches = plan_batches(&lengths, 32, 20);
        for b in &batches {
            assert!(b.indices.len() == 1 || b.indices.len() * b.padded_len <= 20);
        }
        assert_eq!(batches.last().unwrap().indices, vec![4]);
    }

    #[test]
    fn an_oversized_text_gets_its_own_batch_and_nothing_is_lost() {
        let lengths = [50, 1, 1];
        let batches = plan_batches(&lengths, 8, 10);
        assert_eq!(batches.len(), 2);
        let mut all: Vec<usize> = batches.iter().flat_map(|b| b.indices.clone()).collect();
        all.sort();
        assert_eq!(all, vec![0, 1, 2]);
        assert!(plan_batches(&[], 8, 10).is_empty());
    }
}
