//! "Did you mean …?" for misspelled names, attributes and keywords.

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.is_empty() {
        return None;
    }
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        .map(|candidate| (strsim::damerau_levenshtein(word, candidate), candidate))
        .filter(|(distance, candidate)| {
            let limit = (candidate.chars().count().max(word.chars().count()) / 3).max(1);
            *distance <= limit
                || candidate.starts_with(word) && word.len() >= 3
                || word.starts_with(candidate) && candidate.len() >= 3
        })
        .min_by_key(|(distance, candidate)| (*distance, *candidate))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("memroy", ["memory", "timeout"]), Some("memory"));
        assert_eq!(
            did_you_mean("us-east-3", ["us-east-1", "us-east-2", "eu-west-1"]),
            Some("us-east-1")
        );
        assert_eq!(did_you_mean("zzz", ["memory", "timeout"]), None);
        assert_eq!(did_you_mean("", ["memory"]), None);
    }
}
