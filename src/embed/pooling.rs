//! Pooling and normalisation as small pure functions over plain slices.
//!
//! They match sentence-transformers' `Pooling` (mean mode) and `Normalize` modules:
//! <https://github.com/UKPLab/sentence-transformers/blob/master/sentence_transformers/models/Pooling.py>
//! `sum(h · mask) / max(sum(mask), 1e-9)`, then `x / max(‖x‖₂, 1e-12)` as
//! `torch.nn.functional.normalize` does.

/// Masked mean over the rows of one sequence. `hidden` is `seq_len × dim`, row-major;
/// `mask[i]` is 1 for a real token and 0 for padding. An all-zero mask yields zeros
/// (the clamp keeps the division finite), never NaN.
pub fn mean_pool(hidden: &[f32], mask: &[u32], dim: usize) -> Vec<f32> {
    debug_assert_eq!(hidden.len(), mask.len() * dim, "hidden is seq_len × dim");
    let mut sum = vec![0.0f32; dim];
    let mut count = 0.0f32;
    for (row, &m) in hidden.chunks_exact(dim).zip(mask) {
        if m == 0 {
            continue;
        }
        count += 1.0;
        for (s, &h) in sum.iter_mut().zip(row) {
            *s += h;
        }
    }
    let denom = count.max(1e-9);
    sum.iter_mut().for_each(|s| *s /= denom);
    sum
}

/// The first row ([CLS]) of one sequence.
pub fn cls_pool(hidden: &[f32], dim: usize) -> Vec<f32> {
    hidden[..dim].to_vec()
}

/// Scales `v` to unit L2 norm in place; a zero vector stays zero.
pub fn l2_normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_pool_ignores_padding_rows() {
        // Two real tokens and one padding row full of large values.
        let hidden = [1.0, 2.0, 3.0, 4.0, 100.0, 100.0];
        assert_eq!(mean_pool(&hidden, &[1, 1, 0], 2), vec![2.0, 3.0]);
    }

    #[test]
    fn mean_pool_of_all_padding_is_zero_not_nan() {
        let pooled = mean_pool(&[5.0, 5.0, 5.0, 5.0], &[0, 0], 2);
        assert_eq!(pooled, vec![0.0, 0.0]);
    }

    #[test]
    fn cls_pool_takes_the_first_row() {
        assert_eq!(cls_pool(&[1.0, 2.0, 3.0, 4.0], 2), vec![1.0, 2.0]);
    }

    #[test]
    fn l2_normalize_gives_unit_length_and_keeps_zero() {
        let mut v = [3.0, 4.0];
        l2_normalize(&mut v);
        assert_eq!(v, [0.6, 0.8]);
        let mut z = [0.0, 0.0];
        l2_normalize(&mut z);
        assert_eq!(z, [0.0, 0.0]);
    }
}
