//! Proptest strategies more than one property test draws from.

use proptest::prelude::*;
use triage::filter::SpanUnit;

/// Any unit a relative date span is counted in.
pub fn span_unit() -> impl Strategy<Value = SpanUnit> {
    prop::sample::select(vec![
        SpanUnit::Minutes,
        SpanUnit::Hours,
        SpanUnit::Days,
        SpanUnit::Weeks,
    ])
}
