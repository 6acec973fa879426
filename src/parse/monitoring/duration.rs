//! Durations as Prometheus and Alertmanager read them (`model.ParseDuration` of
//! `prometheus/common`): `0`, or whole numbers with the units `y`, `w`, `d`, `h`, `m`, `s`
//! and `ms`, each unit at most once and from the largest down: `1h30m`, `90s`, `500ms`.

use std::fmt;

/// Why a text is not a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    /// A number without a unit (`15`): the most common mistake.
    MissingUnit,
    /// Not numbers and units (`1.5h`, `5 min`, `-1m`, `15S`).
    Malformed,
    /// A unit written twice or out of order (`30s1m`).
    UnitOrder,
    Overflow,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DurationError::Empty => "it is empty",
            DurationError::MissingUnit => "a number needs a unit (`s`, `m`, `h`, …)",
            DurationError::Malformed => {
                "durations are whole numbers with the units y, w, d, h, m, s and ms"
            }
            DurationError::UnitOrder => "each unit may appear once, from the largest down",
            DurationError::Overflow => "it is too long to represent",
        })
    }
}

const UNITS: &[(&str, u64)] = &[
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    // `ms` before `m`, so that `5ms` is not read as `5m` followed by `s`.
    ("ms", 1),
    ("m", 60_000),
    ("s", 1_000),
];

/// The order of units in a duration (`ms` comes last even though it is tried before `m`).
fn rank(unit: &str) -> usize {
    match unit {
        "y" => 0,
        "w" => 1,
        "d" => 2,
        "h" => 3,
        "m" => 4,
        "s" => 5,
        _ => 6,
    }
}

/// Parses a duration into milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    match text {
        "0" => return Ok(0),
        "" => return Err(DurationError::Empty),
        _ => {}
    }
    let mut rest = text;
    let mut total: u64 = 0;
    let mut last_rank: Option<usize> = None;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(DurationError::Malformed);
        }
        let (number, after) = rest.split_at(digits);
        if after.is_empty() {
            return Err(DurationError::MissingUnit);
        }
        let Some(&(unit, factor)) = UNITS.iter().find(|(u, _)| after.starts_with(u)) else {
            return Err(DurationError::Malformed);
        };
        let r = rank(unit);
        if last_rank.is_some_and(|last| r <= last) {
            return Err(DurationError::UnitOrder);
        }
        last_rank = Some(r);
        let n: u64 = number.parse().map_err(|_| DurationError::Overflow)?;
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= i64::MAX as u64 / 1_000_000)
            .ok_or(DurationError::Overflow)?;
        rest = &after[unit.len()..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_durations_in_milliseconds() {
        for (text, ms) in [
            ("0", 0),
            ("0s", 0),
            ("15s", 15_000),
            ("1m", 60_000),
            ("1h30m", 5_400_000),
            ("500ms", 500),
            ("1m500ms", 60_500),
            ("2d", 172_800_000),
            ("1w", 604_800_000),
            ("1y", 31_536_000_000),
        ] {
            assert_eq!(parse_duration(text), Ok(ms), "{text}");
        }
    }

    #[test]
    fn invalid_durations_say_why() {
        for (text, err) in [
            ("", DurationError::Empty),
            ("15", DurationError::MissingUnit),
            ("1.5h", DurationError::Malformed),
            ("5 min", DurationError::Malformed),
            ("-1m", DurationError::Malformed),
            ("15S", DurationError::Malformed),
            ("1h ", DurationError::Malformed),
            ("30s1m", DurationError::UnitOrder),
            ("1m1m", DurationError::UnitOrder),
            ("1s1ms1m", DurationError::UnitOrder),
            ("99999999999999999999s", DurationError::Overflow),
            ("9999999999y", DurationError::Overflow),
        ] {
            assert_eq!(parse_duration(text), Err(err), "{text}");
        }
    }
}
