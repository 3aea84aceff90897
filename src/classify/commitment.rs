//! Commitment flags (CODEBOOK.md, "Commitment"): how firm a passage is, whatever its
//! themes. A trained head (`models/heads/commitment`, on `corpus/commitment.toml`)
//! scores the four flags; a passage's strength is its highest flag.

/// The flags, weakest first: a passage's strength is the last it carries.
pub const FLAGS: [&str; 4] = ["aim", "action", "resource", "target"];

/// The head's folder, under the project root.
pub const COMMITMENT_HEAD: &str = "models/heads/commitment";

/// The flags as a taxonomy, under the project root.
pub const COMMITMENT_TAXONOMY: &str = "corpus/commitment.toml";

/// A passage's strength: its highest flag (`target` > `resource` > `action` > `aim`),
/// or `none`.
pub fn strength<S: AsRef<str>>(flags: &[S]) -> &'static str {
    FLAGS
        .iter()
        .rev()
        .find(|f| flags.iter().any(|g| g.as_ref() == **f))
        .copied()
        .unwrap_or("none")
}

/// The rank of a strength (`none` 0 … `target` 4), for comparing cells and rounds.
pub fn rank(strength: &str) -> usize {
    FLAGS
        .iter()
        .position(|f| *f == strength)
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_is_the_highest_flag() {
        assert_eq!(strength(&["aim", "target"]), "target");
        assert_eq!(strength(&["action", "aim"]), "action");
        assert_eq!(strength::<&str>(&[]), "none");
        assert!(rank("resource") > rank("action") && rank("aim") > rank("none"));
    }
}
