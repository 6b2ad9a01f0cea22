//! Byte offsets (what spans hold) to and from LSP positions, which count
//! lines from 0 and characters in UTF-16 code units, as the protocol's
//! default position encoding says.

use tower_lsp_server::ls_types::{Position, Range};

use crate::source::Span;

#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// The byte offset each line starts at.
    starts: Vec<usize>,
    text: String,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex {
            starts,
            text: text.to_string(),
        }
    }

    pub(crate) fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        // A span never ends inside a character; if one did, count up to it.
        let units: usize = self
            .text
            .get(start..offset)
            .unwrap_or_default()
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(line as u32, units as u32)
    }

    pub(crate) fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of `position`, clamped to the text.
    pub(crate) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line_end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let mut units = 0u32;
        for (at, c) in self.text[start..line_end].char_indices() {
            if units >= position.character {
                return start + at;
            }
            units += c.len_utf16() as u32;
        }
        line_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let index = LineIndex::new("ab\n€x\n\ny");
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.position(3), Position::new(1, 0));
        // `€` is three bytes and one UTF-16 unit.
        assert_eq!(index.position(6), Position::new(1, 1));
        assert_eq!(index.offset(Position::new(1, 1)), 6);
        assert_eq!(index.offset(Position::new(3, 0)), 9);
        assert_eq!(index.offset(Position::new(9, 9)), 10, "past the end is the end");
        assert_eq!(
            index.offset(Position::new(0, 99)),
            2,
            "past a line's end is its end"
        );
    }
}
