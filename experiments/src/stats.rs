//! Statistics for reports: means with 95 % confidence intervals (Student's
//! t), quartiles, and paired comparisons of two schedulers (Wilcoxon's
//! signed-rank test, Holm's correction for many pairs, win/tie/loss counts).

use statrs::distribution::{ContinuousCDF as _, Normal};

/// Two-sided 95 % critical values of Student's t for 1 … 30 degrees of freedom.
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// Mean and the half-width of its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// Sample mean.
    pub mean: f64,
    /// Half-width of the 95 % interval (0 for fewer than two values).
    pub half_width: f64,
    /// Number of values.
    pub n: usize,
}

/// Mean and 95 % CI of `values` (`None` when empty).
pub fn mean_ci(values: &[f64]) -> Option<MeanCi> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Some(MeanCi {
            mean,
            half_width: 0.0,
            n,
        });
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = T95.get(n - 2).copied().unwrap_or(1.96);
    Some(MeanCi {
        mean,
        half_width: t * (var / n as f64).sqrt(),
        n,
    })
}

/// Minimum, lower quartile, median, upper quartile and maximum (linear interpolation).
pub fn five_numbers(values: &[f64]) -> Option<[f64; 5]> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (v.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        let frac = pos - lo as f64;
        v[lo] + (v[hi] - v[lo]) * frac
    };
    Some([q(0.0), q(0.25), q(0.5), q(0.75), q(1.0)])
}

/// A two-sided paired Wilcoxon signed-rank test (see [`wilcoxon_signed_rank`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wilcoxon {
    /// Pairs with a non-zero difference (zeros are dropped, Wilcoxon's method).
    pub n: usize,
    /// Sum of the ranks of the positive differences.
    pub w_plus: f64,
    /// Sum of the ranks of the negative differences.
    pub w_minus: f64,
    /// Two-sided p-value (1 when every difference is zero).
    pub p: f64,
    /// Whether `p` comes from the exact null distribution (else the normal
    /// approximation with tie and continuity corrections).
    pub exact: bool,
}

/// Largest number of non-zero differences for which the exact distribution is used.
pub const WILCOXON_EXACT_MAX_N: usize = 50;

/// Wilcoxon's signed-rank test of "the differences are symmetric about 0",
/// two-sided, on paired differences `x − y` (one per instance).
///
/// Zero differences are dropped; the rest are ranked by absolute value, tied
/// values taking their mean rank. Without ties and with at most
/// [`WILCOXON_EXACT_MAX_N`] differences, `p` is exact (the null distribution
/// of W+ counted over all 2ⁿ sign patterns); otherwise it is the normal
/// approximation with the tie correction of the variance and a continuity
/// correction of 0.5. These are the choices of scipy's
/// `wilcoxon(d, zero_method="wilcox", correction=True)` with `method="exact"`
/// or `"approx"`, whose values the tests reproduce. Non-finite differences
/// are ignored.
pub fn wilcoxon_signed_rank(differences: &[f64]) -> Wilcoxon {
    let mut d: Vec<f64> = differences
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x != 0.0)
        .collect();
    d.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
    let n = d.len();
    let (mut w_plus, mut w_minus, mut tie_term, mut ties) = (0.0, 0.0, 0.0, false);
    let mut start = 0;
    while start < n {
        let end = start + d[start..].iter().take_while(|x| x.abs() == d[start].abs()).count();
        // Ranks start+1 ..= end share their mean.
        let rank = (start + 1 + end) as f64 / 2.0;
        let t = (end - start) as f64;
        if end - start > 1 {
            ties = true;
            tie_term += t * t * t - t;
        }
        for x in &d[start..end] {
            if *x > 0.0 {
                w_plus += rank;
            } else {
                w_minus += rank;
            }
        }
        start = end;
    }
    if n == 0 {
        return Wilcoxon {
            n,
            w_plus,
            w_minus,
            p: 1.0,
            exact: true,
        };
    }
    let statistic = f64::min(w_plus, w_minus);
    let exact = !ties && n <= WILCOXON_EXACT_MAX_N;
    let p = if exact {
        // Without ties the ranks are 1..=n and W+ is an integer.
        2.0 * signed_rank_cdf(n, statistic as usize)
    } else {
        let nf = n as f64;
        let mean = nf * (nf + 1.0) / 4.0;
        let sd = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0).sqrt();
        let z = ((statistic - mean).abs() - 0.5).max(0.0) / sd;
        let normal = Normal::standard();
        2.0 * normal.sf(z)
    };
    Wilcoxon {
        n,
        w_plus,
        w_minus,
        p: p.min(1.0),
        exact,
    }
}

/// P(W+ ≤ w) under the null for `n` untied differences: the share of the 2ⁿ
/// subsets of ranks 1..=n whose sum is at most `w`, counted by dynamic
/// programming in O(n³) (n ≤ 50 keeps every count below 2⁵⁰, exact in f64).
fn signed_rank_cdf(n: usize, w: usize) -> f64 {
    let max = n * (n + 1) / 2;
    let mut counts = vec![0.0f64; max + 1];
    counts[0] = 1.0;
    for rank in 1..=n {
        for sum in (rank..=max).rev() {
            counts[sum] += counts[sum - rank];
        }
    }
    let below: f64 = counts.iter().take(w.min(max) + 1).sum();
    below / 2f64.powi(n as i32)
}

/// Holm's step-down adjustment of `p` (one p-value per hypothesis), in the
/// input order: the k-th smallest p-value is multiplied by m − k + 1 and the
/// results are made non-decreasing and capped at 1. Rejecting where the
/// adjusted value is below α controls the family-wise error rate at α.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (k, &i) in order.iter().enumerate() {
        running = running.max(((m - k) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// How often one scheduler beat another on the same instances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WinTieLoss {
    /// Instances where the first value is lower (better).
    pub win: usize,
    /// Instances with equal values.
    pub tie: usize,
    /// Instances where the first value is higher.
    pub loss: usize,
}

/// Win/tie/loss counts of `pairs` (first, second), lower is better; a tie is
/// exact equality, which is what identical schedules give.
pub fn win_tie_loss(pairs: impl IntoIterator<Item = (f64, f64)>) -> WinTieLoss {
    let mut counts = WinTieLoss::default();
    for (a, b) in pairs {
        match a.total_cmp(&b) {
            std::cmp::Ordering::Less => counts.win += 1,
            std::cmp::Ordering::Equal => counts.tie += 1,
            std::cmp::Ordering::Greater => counts.loss += 1,
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_ci_of_a_small_sample() {
        let m = mean_ci(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(m.mean, 2.0);
        assert!((m.half_width - 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert_eq!(mean_ci(&[]), None);
    }

    /// Reference values from scipy 1.17.1:
    /// `scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True, method=...)`;
    /// the normal approximations agree to 1e-9 (statrs' and scipy's normal tails differ by ~1e-12).
    #[test]
    #[allow(clippy::approx_constant, reason = "3.14 is a measurement in the data set, not pi")]
    fn wilcoxon_matches_published_and_scipy_values() {
        // Hollander & Wolfe (1999), Example 3.1 (Hamilton depression scale):
        // W+ = 40, W- = 5 over 9 pairs; exact one-sided p = 0.0195.
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        let d: Vec<f64> = x.iter().zip(&y).map(|(a, b)| a - b).collect();
        let w = wilcoxon_signed_rank(&d);
        assert_eq!((w.n, w.w_plus, w.w_minus, w.exact), (9, 40.0, 5.0, true));
        assert_eq!(w.p, 0.0390625);
        // Darwin's Zea mays differences (the scipy documentation's example).
        let darwin = [
            6., 8., 14., 16., 23., 24., 28., 29., 41., -48., 49., 56., 60., -67., 75.,
        ];
        let w = wilcoxon_signed_rank(&darwin);
        assert_eq!((w.w_minus, w.exact), (24.0, true));
        assert_eq!(w.p, 0.041259765625);
        // Ties and zeros: the normal approximation with both corrections.
        let ties = [
            1., 1., 1., -1., 2., 2., -2., 3., 3., 3., 3., -3., 4., 0., 0., 5., -5., 5., 6., 7.,
        ];
        let w = wilcoxon_signed_rank(&ties);
        assert_eq!((w.n, w.w_minus, w.exact), (18, 33.5, false));
        assert!((w.p - 0.024258203696401723).abs() < 1e-9, "{}", w.p);
        // More than 50 untied differences: the approximation too.
        let big: Vec<f64> = (0..60)
            .map(|i| f64::from((i * 37) % 23) - 9.5 + 0.01 * f64::from(i))
            .collect();
        let w = wilcoxon_signed_rank(&big);
        assert_eq!((w.n, w.w_plus.min(w.w_minus), w.exact), (60, 674.0, false));
        assert!((w.p - 0.0766496230661973).abs() < 1e-9, "{}", w.p);
    }

    #[test]
    fn wilcoxon_edge_cases() {
        let w = wilcoxon_signed_rank(&[0.0, 0.0, f64::NAN]);
        assert_eq!((w.n, w.p), (0, 1.0));
        // One difference: p = 2 * P(W+ <= 0) = 2 * 1/2 = 1.
        assert_eq!(wilcoxon_signed_rank(&[3.0]).p, 1.0);
        // All of 10 differences positive: p = 2 / 2^10.
        let all: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(wilcoxon_signed_rank(&all).p, 2.0 / 1024.0);
        let negated: Vec<f64> = all.iter().map(|x| -x).collect();
        assert_eq!(wilcoxon_signed_rank(&negated).p, 2.0 / 1024.0, "two-sided: symmetric");
    }

    #[test]
    fn holm_by_hand() {
        // Sorted: 0.005×4 = 0.02, 0.01×3 = 0.03, 0.03×2 = 0.06, 0.04×1 = 0.04 → 0.06 (monotone).
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        let expected = [0.03, 0.06, 0.06, 0.02];
        for (a, e) in adjusted.iter().zip(expected) {
            assert!((a - e).abs() < 1e-15, "{adjusted:?}");
        }
        assert_eq!(holm(&[0.5, 0.9]), [1.0, 1.0], "capped at 1");
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn win_tie_loss_counts_lower_as_better() {
        let counts = win_tie_loss([(1.0, 2.0), (2.0, 2.0), (3.0, 1.0), (0.5, 0.6)]);
        assert_eq!(
            counts,
            WinTieLoss {
                win: 2,
                tie: 1,
                loss: 1
            }
        );
    }

    #[test]
    fn quartiles() {
        assert_eq!(
            five_numbers(&[4.0, 1.0, 3.0, 2.0, 5.0]),
            Some([1.0, 2.0, 3.0, 4.0, 5.0])
        );
    }
}
