//! Python's `round(x, 3)`, exactly, without asking Python (which formats and parses a
//! decimal string for it: about a microsecond a call).

/// Python's `round(x, 3)` of a finite ``x >= 0``, exactly.
///
/// CPython rounds the exact binary value of ``x`` to 3 decimals, ties to even
/// (`_Py_dg_dtoa`), and reads the digits back (`_Py_dg_strtod`, correctly rounded). Here
/// ``x = m * 2^-s`` is scaled by 1000 and rounded in integers, and the digits `n` read back
/// as `n / 1000.0`: one IEEE division of two exact numbers, which is the double nearest to
/// `n / 1000`, as strtod gives (`n` is below 2^53, so exact as a double). From 2^43 up, a
/// double's spacing is at least 2^-9, so the double nearest to `n / 1000` (within 0.0005 of
/// ``x``) is ``x`` itself.
pub fn round3(x: f64) -> f64 {
    debug_assert!(x.is_finite() && x >= 0.0);
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, shift) = if exponent == 0 {
        (fraction, 1074i64) // zero or subnormal: m * 2^-1074
    } else {
        (fraction | (1u64 << 52), 1075 - exponent) // m * 2^(exponent - 1075)
    };
    if x >= (1u64 << 43) as f64 {
        return x;
    }
    if shift >= 127 {
        return 0.0; // x * 1000 < 2^(63 - 127): far below one half
    }
    let scaled = mantissa as u128 * 1000; // x * 1000 = scaled * 2^-shift, below 2^63
    let quotient = scaled >> shift;
    let remainder = scaled - (quotient << shift);
    let half = 1u128 << (shift - 1);
    let digits = if remainder > half || (remainder == half && quotient & 1 == 1) {
        quotient + 1
    } else {
        quotient
    };
    digits as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::round3;

    #[test]
    fn rounds_like_python() {
        // (x, Python's round(x, 3))
        let cases = [(0.0, 0.0), (1.0, 1.0), (0.0625, 0.062), (0.1875, 0.188), (0.0005, 0.001),
                     (0.0015, 0.002), (0.0025, 0.003), (1.0 / 3.0, 0.333), (2.0 / 3.0, 0.667),
                     (0.9995, 1.0), (1999.0 / 2000.0, 1.0), (2.5e-4, 0.0), (5e-324, 0.0),
                     (1.2345, 1.234), (4.0 / 3.0, 1.333), (1e300, 1e300),
                     (15390332708207.799, 15390332708207.799)];
        for (x, expected) in cases {
            assert_eq!(round3(x).to_bits(), f64::to_bits(expected), "round({x}, 3)");
        }
    }
}
