//! Text escaped for the XML answers the proxy writes (error documents,
//! Route 53's answers). XML the proxy reads is parsed with roxmltree.

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(super::escape("a < b & c"), "a &lt; b &amp; c");
    }
}
