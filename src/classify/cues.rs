//! Commitment cues: a few counts read straight off a passage's words, appended to the
//! commitment head's features (`"commitment_cues"` in its head.json).
//!
//! The codebook's flags turn on surface detail that a mean-pooled sentence vector blurs:
//! whether a figure is money, a headcount or a share; whether a date is a deadline;
//! whether money is promised or already spent. The target rules of [`crate::kpis`] and
//! these patterns say so directly, and the head learns how much to trust each. Written
//! here because they are the codebook's own cues (its "give it when" and "not this"
//! columns), not a general text task a crate covers. Measured out of fold on train and
//! dev before the test split was read (docs/classifier-experiments.md, session 12).

use std::sync::LazyLock;

use regex::Regex;

/// How many cues [`cues`] returns; the head's feature count grows by this.
pub const CUES: usize = 10;

/// The feature name a head that reads the cues lists in its head.json.
pub const FEATURE: &str = "commitment_cues";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

/// An amount of money: "£2.4m", "£180,000", "3 million".
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)£\s?\d[\d,.]*\s*(?:m\b|bn\b|k\b|million|billion)?|\b\d[\d,.]*\s*(?:million|billion)\b")
});

/// A number of posts, staff or places: "12 new link workers", "60 tenancies".
static POSTS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b\d[\d,.]*\s+(?:new\s+|additional\s+|extra\s+|more\s+)?(?:[\w-]+\s+){0,3}(?:posts?|staff|workers?|wte|roles?|nurses?|coordinators?|navigators?|advisers?|advisors?|practitioners?|beds|places|officers?|champions?|therapists?|pharmacists?|paramedics?)\b",
    )
});

/// A source or commitment of funding: "funded from", "ring-fenced", "invest £".
static FUNDING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:funded|fund(?:ing)?\s+(?:from|of|by)|ring-?fenced|allocat\w*|invest\w*\s+(?:of\s+)?£|better care fund|capital|grant)\b",
    )
});

/// Money or work in the past: "spent", "has invested", "last year".
static PAST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:spent|was invested|were invested|has invested|have invested|last year|in 20(?:1\d|20|21|22)/?\d*\s*(?:we|the))\b",
    )
});

/// A promise about the future: "we will", "will be", "we plan to".
static PROMISE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:we will|we'll|will be|we are going to|we plan to|we commit)\b"));

/// An ambition or priority: "our ambition", "we want", "a priority".
static AMBITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:we want|our ambition|our vision|we aim|we aspire|priorit\w*|we will focus|our goal|principles?|we believe|committed to|we will work (?:together|with))\b",
    )
});

/// A deadline: "by 2028", "by March 2025", "by the end of 2026".
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\bby\s+(?:(?:the\s+)?end\s+of\s+)?(?:march|april|\w+\s)?\s*20[2-4]\d\b")
});

/// A share: "14%", "per cent", "percentage points".
static SHARE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\d\s?%|per cent|percentage points"));

/// The cues of one passage, in a fixed order: targets found by the target rules (log
/// count, then whether any), then log counts of money, posts, funding words, a past
/// marker (0/1), promises, ambitions, a deadline (0/1) and shares.
pub fn cues(text: &str) -> [f32; CUES] {
    let count = |r: &Regex| (r.find_iter(text).count() as f32).ln_1p();
    let any = |r: &Regex| f32::from(u8::from(r.is_match(text)));
    let targets = crate::kpis::extract(text).len();
    [
        (targets as f32).ln_1p(),
        f32::from(u8::from(targets > 0)),
        count(&MONEY),
        count(&POSTS),
        count(&FUNDING),
        any(&PAST),
        count(&PROMISE),
        count(&AMBITION),
        any(&DEADLINE),
        count(&SHARE),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funded_target_and_a_report_of_spending_read_differently() {
        let funded = cues(
            "We will recruit 12 new link workers, funded from the Better Care Fund with \
             £2.4m a year, and reduce smoking prevalence from 14% to 10% by 2028.",
        );
        let ln = |n: f32| n.ln_1p();
        assert_eq!(funded[0], ln(1.0), "one target");
        assert_eq!(funded[1], 1.0);
        assert_eq!(funded[2], ln(1.0), "£2.4m");
        assert_eq!(funded[3], ln(1.0), "12 new link workers");
        assert_eq!(funded[4], ln(2.0), "funded from, better care fund");
        assert_eq!(funded[5], 0.0);
        assert_eq!(funded[6], ln(1.0), "we will");
        assert_eq!(funded[8], 1.0, "by 2028");
        assert_eq!(funded[9], ln(2.0), "14%, 10%");

        let spent = cues("Last year the partnership spent £3 million on agency staff.");
        assert_eq!(spent[0], 0.0, "no target");
        assert_eq!(spent[5], 1.0, "in the past");
        assert_eq!(spent[2], ln(1.0));
        assert_eq!(spent[6], 0.0);

        let aim = cues("Our ambition is that everyone lives in a warm, safe home.");
        assert_eq!(aim[7], ln(1.0));
        assert!(
            aim.iter().enumerate().all(|(i, &c)| i == 7 || c == 0.0),
            "{aim:?}"
        );
    }
}
