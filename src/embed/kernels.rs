//! The arithmetic of [`super::cpu`]'s BERT forward, over plain row-major slices.
//!
//! Why our own: candle's CPU ops allocate a tensor per step, run the element-wise
//! ones (GELU through libm `erff`, softmax through `expf`) one value at a time, and
//! its quantised matmul (`QMatMul`, Q8_0/Q4_0) ran 6× *slower* than f32 on this
//! machine's AVX2 (BENCHMARKS.md). So: f32 matrix products go to the `gemm` crate
//! (the kernels candle itself uses); int8 products go to the AVX2 kernel below, in
//! the `vpmaddubsw` + `vpmaddwd` form oneDNN and ONNX Runtime use on CPUs without
//! VNNI; `exp` and `erf` are polynomial so that the compiler vectorises them.
//!
//! Every AVX2 function has a portable fallback that computes the same thing, chosen
//! at run time, so the binary runs on any x86-64 or ARM CPU.

/// `out[m×n] = bias + a[m×k] · w[k×n]`, all row-major; single-threaded (callers
/// run whole batches side by side instead).
pub fn matmul_bias(
    a: &[f32],
    m: usize,
    k: usize,
    w: &[f32],
    n: usize,
    bias: &[f32],
    out: &mut [f32],
) {
    debug_assert!(a.len() >= m * k && w.len() == k * n && bias.len() == n && out.len() >= m * n);
    for row in out[..m * n].chunks_exact_mut(n) {
        row.copy_from_slice(bias);
    }
    // SAFETY: the pointers and strides describe the slices checked above.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            true,
            a.as_ptr(),
            1,
            k as isize,
            w.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Whether the AVX2 + FMA versions below may run (`is_x86_feature_detected!`
/// caches its answer, so this is cheap on every call).
#[cfg(target_arch = "x86_64")]
#[inline]
fn avx2_fma() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// A strided view for [`matmul_strided`]: element `(i, j)` is at
/// `ptr[i * row + j * col]`.
#[derive(Clone, Copy)]
pub struct View {
    pub offset: usize,
    pub row: usize,
    pub col: usize,
}

/// `out = scale · a · b` for strided views into `a_buf`, `b_buf` and `out_buf`
/// (the heads of attention live side by side in one buffer). Dimensions `m×k`,
/// `k×n`, `m×n`.
#[allow(clippy::too_many_arguments)]
pub fn matmul_strided(
    (m, k, n): (usize, usize, usize),
    a_buf: &[f32],
    a: View,
    b_buf: &[f32],
    b: View,
    out_buf: &mut [f32],
    out: View,
    scale: f32,
) {
    let last =
        |v: View, rows: usize, cols: usize| v.offset + (rows - 1) * v.row + (cols - 1) * v.col;
    assert!(
        m > 0
            && k > 0
            && n > 0
            && last(a, m, k) < a_buf.len()
            && last(b, k, n) < b_buf.len()
            && last(out, m, n) < out_buf.len(),
        "strided matmul out of bounds: this is a bug"
    );
    // SAFETY: bounds checked just above; `out_buf` does not alias the inputs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out_buf.as_mut_ptr().add(out.offset),
            out.col as isize,
            out.row as isize,
            false,
            a_buf.as_ptr().add(a.offset),
            a.col as isize,
            a.row as isize,
            b_buf.as_ptr().add(b.offset),
            b.col as isize,
            b.row as isize,
            0.0,
            scale,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Weights of one linear layer quantised to 7-bit signed integers, one scale per
/// output. 7 bits, not 8: `vpmaddubsw` adds two u8×i8 products into a saturating
/// i16, and 2 × 255 × 63 stays below 32,767 where 2 × 255 × 127 would not.
pub struct QuantWeights {
    /// Inputs (k) and outputs (n); k is a multiple of 4, n of 16.
    k: usize,
    n: usize,
    /// `[n/16][k/4][16 outputs][4 inputs]`: one 32-byte load feeds 8 outputs × 4 inputs.
    packed: Vec<i8>,
    scale: Vec<f32>,
    /// Sum over k of each output's quantised weights (for the activations' zero point).
    column_sum: Vec<i32>,
}

const WEIGHT_LEVELS: f32 = 63.0;

impl QuantWeights {
    /// Quantises `w`, given as `[n][k]` (PyTorch's `Linear.weight` layout).
    pub fn new(w: &[f32], n: usize, k: usize) -> Result<Self, String> {
        if !n.is_multiple_of(16) || !k.is_multiple_of(4) {
            return Err(format!(
                "int8 needs layer sizes that are multiples of 16 (outputs) and 4 (inputs), not {n} × {k}"
            ));
        }
        let mut q = vec![0i8; n * k];
        let mut scale = vec![0f32; n];
        let mut column_sum = vec![0i32; n];
        for j in 0..n {
            let row = &w[j * k..(j + 1) * k];
            let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
            let s = if max > 0.0 { max / WEIGHT_LEVELS } else { 1.0 };
            scale[j] = s;
            for (qi, &x) in q[j * k..(j + 1) * k].iter_mut().zip(row) {
                *qi = round((x / s).clamp(-WEIGHT_LEVELS, WEIGHT_LEVELS)) as i8;
            }
            column_sum[j] = q[j * k..(j + 1) * k].iter().map(|&v| i32::from(v)).sum();
        }
        let mut packed = Vec::with_capacity(n * k);
        for block in (0..n).step_by(16) {
            for k4 in (0..k).step_by(4) {
                for j in block..block + 16 {
                    packed.extend_from_slice(&q[j * k + k4..j * k + k4 + 4]);
                }
            }
        }
        Ok(QuantWeights {
            k,
            n,
            packed,
            scale,
            column_sum,
        })
    }
}

/// Activations quantised per row to u8 with a zero point (asymmetric), rows padded
/// to a multiple of 4 for the kernel.
struct QuantRows {
    data: Vec<u8>,
    scale: Vec<f32>,
    zero: Vec<i32>,
}

/// Adding and subtracting 1.5 · 2²³ rounds an f32 below 2²² to the nearest integer
/// without a call to `roundf`, so loops over it vectorise.
#[inline(always)]
fn round(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0;
    (x + ROUND) - ROUND
}

fn quantise_rows(a: &[f32], m: usize, k: usize) -> QuantRows {
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the features are present.
        return unsafe { quantise_rows_avx2(a, m, k) };
    }
    quantise_rows_portable(a, m, k)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn quantise_rows_avx2(a: &[f32], m: usize, k: usize) -> QuantRows {
    quantise_rows_portable(a, m, k)
}

#[inline(always)]
fn quantise_rows_portable(a: &[f32], m: usize, k: usize) -> QuantRows {
    let padded = m.div_ceil(4) * 4;
    let mut data = vec![0u8; padded * k];
    let mut scale = vec![1f32; m];
    let mut zero = vec![0i32; m];
    for i in 0..m {
        let row = &a[i * k..(i + 1) * k];
        // The range always holds 0, so that 0 (and padding) is exact.
        let (lo, hi) = (min(row).min(0.0), max(row).max(0.0));
        let s = if hi > lo { (hi - lo) / 255.0 } else { 1.0 };
        let z = round((-lo / s).clamp(0.0, 255.0));
        let inv = 1.0 / s;
        for (q, &x) in data[i * k..(i + 1) * k].iter_mut().zip(row) {
            *q = to_byte((x * inv + z).clamp(0.0, 255.0));
        }
        scale[i] = s;
        zero[i] = z as i32;
    }
    QuantRows { data, scale, zero }
}

/// `out[m×n] = bias + a[m×k] · wᵀ` with `w` quantised, `a` quantised per row on the fly.
pub fn matmul_int8(a: &[f32], m: usize, w: &QuantWeights, bias: &[f32], out: &mut [f32]) {
    let (k, n) = (w.k, w.n);
    assert!(
        a.len() >= m * k && bias.len() == n && out.len() >= m * n,
        "int8 matmul shapes: this is a bug"
    );
    let q = quantise_rows(a, m, k);
    // Rows in chunks whose activations stay in L2 while every weight block passes.
    const CHUNK_BYTES: usize = 256 * 1024;
    let chunk_rows = (CHUNK_BYTES / k).max(4) / 4 * 4;
    for start in (0..m).step_by(chunk_rows) {
        let end = (start + chunk_rows).min(m);
        for block in (0..n).step_by(16) {
            for i in (start..end).step_by(4) {
                let tile = Tile {
                    a: &q.data[i * k..(i + 4) * k],
                    rows: 4.min(end - i),
                    a_scale: &q.scale[i..],
                    a_zero: &q.zero[i..],
                };
                tile_4x16(&tile, w, block, bias, &mut out[i * n..]);
            }
        }
    }
}

/// Four rows of quantised activations (`rows` of them real) and their scales.
struct Tile<'a> {
    a: &'a [u8],
    rows: usize,
    a_scale: &'a [f32],
    a_zero: &'a [i32],
}

/// `out[r][block + c] = bias + scale · Σ_k (a[r][k] − zero_r) · w[block + c][k]` for
/// the tile's rows and 16 outputs from `block`; `out` starts at the tile's first row
/// and has `w.n` columns.
fn tile_4x16(t: &Tile, w: &QuantWeights, block: usize, bias: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the features are present; the kernel checks its slice bounds.
        unsafe { tile_4x16_avx2(t, w, block, bias, out) };
        return;
    }
    let (k, n) = (w.k, w.n);
    let b = &w.packed[block * k..(block + 16) * k];
    for r in 0..t.rows {
        for c in 0..16 {
            let mut acc = 0i32;
            for k4 in (0..k).step_by(4) {
                for s in 0..4 {
                    acc += i32::from(t.a[r * k + k4 + s]) * i32::from(b[k4 * 16 + c * 4 + s]);
                }
            }
            let j = block + c;
            let acc = acc - t.a_zero[r] * w.column_sum[j];
            out[r * n + j] = bias[j] + t.a_scale[r] * w.scale[j] * acc as f32;
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn tile_4x16_avx2(t: &Tile, w: &QuantWeights, block: usize, bias: &[f32], out: &mut [f32]) {
    use std::arch::x86_64::*;
    let (k, n) = (w.k, w.n);
    assert!(
        t.a.len() >= 4 * k
            && k % 4 == 0
            && block + 16 <= n
            && bias.len() == n
            && t.rows <= 4
            && t.a_scale.len() >= t.rows
            && t.a_zero.len() >= t.rows
            && out.len() >= (t.rows - 1) * n + block + 16,
        "int8 tile out of bounds: this is a bug"
    );
    let ones = _mm256_set1_epi16(1);
    let mut acc = [_mm256_setzero_si256(); 8];
    let a = t.a.as_ptr();
    let mut bp = w.packed.as_ptr().add(block * k);
    for k4 in (0..k).step_by(4) {
        let b0 = _mm256_loadu_si256(bp as *const __m256i);
        let b1 = _mm256_loadu_si256(bp.add(32) as *const __m256i);
        for r in 0..4 {
            let x = _mm256_set1_epi32((a.add(r * k + k4) as *const i32).read_unaligned());
            let p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(x, b0), ones);
            let p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(x, b1), ones);
            acc[2 * r] = _mm256_add_epi32(acc[2 * r], p0);
            acc[2 * r + 1] = _mm256_add_epi32(acc[2 * r + 1], p1);
        }
        bp = bp.add(64);
    }
    // Each 32-byte block holds outputs 0–7 (4 bytes each) then 8–15, so the lanes of
    // acc[2r] are outputs block..block+8 and acc[2r+1] the next 8.
    for r in 0..t.rows {
        let zero = _mm256_set1_epi32(t.a_zero[r]);
        let scale = _mm256_set1_ps(t.a_scale[r]);
        for half in 0..2 {
            let j = block + 8 * half;
            let sums = _mm256_loadu_si256(w.column_sum.as_ptr().add(j) as *const __m256i);
            let exact = _mm256_sub_epi32(acc[2 * r + half], _mm256_mullo_epi32(zero, sums));
            let s = _mm256_mul_ps(scale, _mm256_loadu_ps(w.scale.as_ptr().add(j)));
            let y = _mm256_fmadd_ps(
                _mm256_cvtepi32_ps(exact),
                s,
                _mm256_loadu_ps(bias.as_ptr().add(j)),
            );
            _mm256_storeu_ps(out.as_mut_ptr().add(r * n + j), y);
        }
    }
}

/// LayerNorm over each row of `x` (`rows × gamma.len()`), in place.
pub fn layer_norm(x: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let dim = gamma.len();
    for row in x.chunks_exact_mut(dim) {
        let mean = sum(row) / dim as f32;
        row.iter_mut().for_each(|v| *v -= mean);
        let var = sum_squares(row) / dim as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// Eight running sums, so that the compiler may keep them in one vector register
/// (a single running sum is a chain it must not reorder).
#[inline(always)]
fn sum(xs: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for (l, v) in lanes.iter_mut().zip(c) {
            *l += v;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[inline(always)]
fn min(xs: &[f32]) -> f32 {
    -max_by(xs, |v| -v)
}

#[inline(always)]
fn max(xs: &[f32]) -> f32 {
    max_by(xs, |v| v)
}

/// The largest `f(x)`, in eight lanes (see [`sum`]).
#[inline(always)]
fn max_by(xs: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |m, &v| m.max(f(v)));
    for c in chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            let v = f(v);
            *l = if v > *l { v } else { *l };
        }
    }
    lanes.iter().fold(tail, |m, &v| m.max(v))
}

#[inline(always)]
fn sum_squares(xs: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().map(|v| v * v).sum();
    for c in chunks {
        for (l, v) in lanes.iter_mut().zip(c) {
            *l += v * v;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// `e^x` to within 2 ulp for x in [-87, 88] (Cephes' `expf` polynomial), clamped
/// outside it; written without calls or branches so loops over it vectorise.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    let n = round(x * LOG2E);
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    y * pow2(n)
}

/// `2ⁿ` for an integral `n` in [-126, 127]. `n + 127` lands in the low mantissa bits
/// of `n + 127 + 2²³`; shifted up, they are the exponent field. (A float-to-int
/// `as` cast would saturate, which the compiler does one value at a time.)
#[inline(always)]
fn pow2(n: f32) -> f32 {
    f32::from_bits((n + (127.0 + 8_388_608.0)).to_bits() << 23)
}

/// `x` in [0, 255] rounded to the nearest integer, as a byte: the integer lands in
/// the low bits of `x + 2²³`. Vectorises where `x.round() as u8` would not.
#[inline(always)]
fn to_byte(x: f32) -> u8 {
    (x + 8_388_608.0).to_bits() as u8
}

/// `erf(x)` to within 1e-6 (Abramowitz and Stegun 7.1.26: 1.5e-7 in exact
/// arithmetic, plus f32 rounding in `1 − poly·e^{−x²}` near 0).
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = ((((1.061_405_4 * t - 1.453_152) * t + 1.421_413_8) * t - 0.284_496_74) * t
        + 0.254_829_6)
        * t;
    let y = 1.0 - poly * exp(-a * a);
    y.copysign(x)
}

/// GELU with the exact (erf) form BERT was trained with, in place.
pub fn gelu(x: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the features are present.
        unsafe { gelu_avx2(x) };
        return;
    }
    gelu_portable(x);
}

#[inline(always)]
fn gelu_portable(x: &mut [f32]) {
    for v in x {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gelu_avx2(x: &mut [f32]) {
    gelu_portable(x)
}

/// Softmax over each row of `x` (`rows × dim`), in place.
pub fn softmax_rows(x: &mut [f32], dim: usize) {
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the features are present.
        unsafe { softmax_avx2(x, dim) };
        return;
    }
    softmax_portable(x, dim);
}

#[inline(always)]
fn softmax_portable(x: &mut [f32], dim: usize) {
    for row in x.chunks_exact_mut(dim) {
        let max = max(row);
        row.iter_mut().for_each(|v| *v = exp(*v - max));
        let inv = 1.0 / sum(row);
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn softmax_avx2(x: &mut [f32], dim: usize) {
    softmax_portable(x, dim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_erf_match_the_standard_library() {
        for i in -2000..=2000 {
            let x = i as f32 / 100.0;
            let e = exp(x);
            assert!(
                (e - x.exp()).abs() <= 4.0 * f32::EPSILON * x.exp(),
                "exp({x}) = {e}"
            );
            let want = libm_erf(x);
            assert!(
                (erf(x) - want).abs() < 1e-6,
                "erf({x}) = {} not {want}",
                erf(x)
            );
        }
    }

    /// erf by its Taylor series in f64, as an independent reference.
    fn libm_erf(x: f32) -> f32 {
        let x = f64::from(x).clamp(-6.0, 6.0);
        if x.abs() > 4.0 {
            return x.signum() as f32;
        }
        let (mut term, mut total, mut n) = (x, x, 0.0);
        while term.abs() > 1e-17 {
            n += 1.0;
            term *= -x * x / n;
            total += term / (2.0 * n + 1.0);
        }
        (total * 2.0 / std::f64::consts::PI.sqrt()) as f32
    }

    #[test]
    fn softmax_rows_sum_to_one_and_keep_order() {
        let mut x = vec![1.0, 2.0, 3.0, -50.0, 0.0, 50.0];
        softmax_rows(&mut x, 3);
        assert!((x[..3].iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(x[0] < x[1] && x[1] < x[2]);
        let want = [1.0f32.exp(), 2.0f32.exp(), 3.0f32.exp()];
        let total: f32 = want.iter().sum();
        for (got, w) in x[..3].iter().zip(want) {
            assert!((got - w / total).abs() < 1e-6);
        }
        assert!(x[5] > 0.999_999 && x[3] < 1e-30);
    }

    #[test]
    fn layer_norm_centres_and_scales_each_row() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 10.0];
        layer_norm(&mut x, &[1.0; 4], &[0.5; 4], 1e-12);
        let sd = (1.25f32).sqrt();
        for (got, want) in x[..4]
            .iter()
            .zip([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd])
        {
            assert!((got - (want + 0.5)).abs() < 1e-5);
        }
        assert_eq!(&x[4..], &[0.5; 4], "a constant row becomes beta");
    }

    /// A seeded stream of values in [-1, 1) (xorshift), so the tests need no RNG crate.
    fn values(seed: u64, len: usize) -> Vec<f32> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 40) as f32 / (1u64 << 23) as f32 - 1.0
            })
            .collect()
    }

    fn reference(a: &[f32], m: usize, k: usize, w_nk: &[f32], n: usize, bias: &[f32]) -> Vec<f32> {
        let mut out = vec![0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] =
                    bias[j] + (0..k).map(|t| a[i * k + t] * w_nk[j * k + t]).sum::<f32>();
            }
        }
        out
    }

    #[test]
    fn f32_matmul_matches_the_definition() {
        let (m, k, n) = (5, 12, 7);
        let (a, w, bias) = (values(1, m * k), values(2, n * k), values(3, n));
        let mut w_kn = vec![0f32; k * n];
        for j in 0..n {
            for t in 0..k {
                w_kn[t * n + j] = w[j * k + t];
            }
        }
        let mut out = vec![0f32; m * n];
        matmul_bias(&a, m, k, &w_kn, n, &bias, &mut out);
        for (got, want) in out.iter().zip(reference(&a, m, k, &w, n, &bias)) {
            assert!((got - want).abs() < 1e-5);
        }
    }

    #[test]
    fn int8_matmul_is_close_to_f32_and_exact_on_representable_values() {
        // 7 rows: one full tile of 4 and a partial one; 32 outputs: two blocks.
        let (m, k, n) = (7, 64, 32);
        let (a, w, bias) = (values(4, m * k), values(5, n * k), values(6, n));
        let q = QuantWeights::new(&w, n, k).unwrap();
        let mut out = vec![0f32; m * n];
        matmul_int8(&a, m, &q, &bias, &mut out);
        let want = reference(&a, m, k, &w, n, &bias);
        let worst = out
            .iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs())
            .fold(0f32, f32::max);
        // Each product's error is under ~1/255 + 1/126 of its size; 64 of them,
        // random signs: well under 0.1 in practice.
        assert!(worst < 0.1, "int8 off by {worst}");

        // Integer activations in 0..=255 with a zero at the bottom, weights that are
        // multiples of 1/63 of their row's maximum: quantisation is then exact.
        let a: Vec<f32> = (0..m * k)
            .map(|i| {
                if i % k == 0 {
                    255.0
                } else {
                    (i * 7 % 256) as f32
                }
            })
            .collect();
        let w: Vec<f32> = (0..n * k)
            .map(|i| {
                if i % k == 0 {
                    63.0
                } else {
                    (i as f32 * 5.0) % 127.0 - 63.0
                }
            })
            .collect();
        let q = QuantWeights::new(&w, n, k).unwrap();
        matmul_int8(&a, m, &q, &bias, &mut out);
        for (got, want) in out.iter().zip(reference(&a, m, k, &w, n, &bias)) {
            assert!(
                (got - want).abs() <= 1e-3 * want.abs().max(1.0),
                "{got} vs {want}"
            );
        }
    }

    #[test]
    fn int8_refuses_layer_sizes_the_kernel_cannot_tile() {
        let refused = QuantWeights::new(&[0.0; 10 * 8], 10, 8).err().unwrap();
        assert!(refused.contains("10 × 8"), "{refused}");
    }
}
