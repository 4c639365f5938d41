//! Small descriptive statistics for reports: means with 95 % confidence
//! intervals (Student's t) and quartiles.

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

    #[test]
    fn quartiles() {
        assert_eq!(
            five_numbers(&[4.0, 1.0, 3.0, 2.0, 5.0]),
            Some([1.0, 2.0, 3.0, 4.0, 5.0])
        );
    }
}
