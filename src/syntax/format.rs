//! The canonical layout of a drx file, printed from the AST.
//!
//! Two-space indentation, one statement per line, a blank line between
//! blocks, at most one blank line kept wherever the author left some, short
//! maps and lists on one line. Scalars are printed exactly as written (their
//! source text), so formatting cannot change what a value means. Comments are
//! kept: each one stays before the statement it preceded, or at the end of the
//! line it ended.
//!
//! Longer than most files (about 480 lines) because it is one printer: the
//! layout rules for every construct and for comments between them must
//! agree, and split across files they would drift apart.

use super::ast::*;
use crate::source::Span;

/// Lines longer than this are split where the syntax allows.
const WIDTH: usize = 100;
const INDENT: &str = "  ";

/// Formats a parsed file; `source` is the text it was parsed from.
pub fn format(file: &File, source: &str) -> String {
    let mut printer = Printer {
        source,
        comments: &file.comments,
        next_comment: 0,
        out: String::new(),
        depth: 0,
    };
    let units: Vec<Unit<'_>> = file.items.iter().map(Unit::Item).collect();
    printer.units(&units, 0, source.len());
    let mut out = printer.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Something printed on lines of its own, which comments attach to.
#[derive(Clone, Copy)]
enum Unit<'a> {
    Item(&'a Item),
    Statement(&'a Statement),
    MapEntry(&'a MapEntry),
    ListValue(&'a Value),
    OutputTerm(&'a OutputTerm),
}

impl Unit<'_> {
    fn span(&self) -> Span {
        match self {
            Unit::Item(item) => item.span(),
            Unit::Statement(statement) => statement.span,
            Unit::MapEntry(entry) => entry.span,
            Unit::ListValue(value) => value.span,
            Unit::OutputTerm(term) => term.span,
        }
    }

    fn is_block(&self) -> bool {
        matches!(self, Unit::Item(Item::Block(_)))
    }
}

struct Printer<'a> {
    source: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    depth: usize,
}

impl<'a> Printer<'a> {
    fn text(&self, span: Span) -> &'a str {
        &self.source[span.start..span.end]
    }

    fn indent(&self) -> String {
        INDENT.repeat(self.depth)
    }

    /// Whether the author left an empty line between two offsets.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        // Gaps between units hold only white space, so two line breaks
        // mean an empty line.
        self.source[from..to].matches('\n').count() >= 2
    }

    fn comment_before(&self, offset: usize) -> Option<&'a Comment> {
        self.comments
            .get(self.next_comment)
            .filter(|comment| comment.span.start < offset)
    }

    /// Prints a sequence of units one per line, with the comments between
    /// them; `end` is where the enclosing construct closes.
    fn units(&mut self, units: &[Unit<'a>], start: usize, end: usize) {
        let mut previous: Option<(Unit<'a>, usize)> = None;
        let mut last_end = start;
        let top_level = self.depth == 0;
        for unit in units {
            let span = unit.span();
            let mut first = true;
            while let Some(comment) = self.comment_before(span.start) {
                self.separate(previous, *unit, last_end, comment.span.start, first, top_level);
                first = false;
                self.line(&comment.text);
                last_end = comment.span.end;
                self.next_comment += 1;
                previous = previous.or(Some((*unit, 0)));
            }
            self.separate(previous, *unit, last_end, span.start, first, top_level);
            let indent = self.indent();
            self.out.push_str(&indent);
            self.unit(*unit);
            last_end = span.end;
            self.trailing_comment(span.end);
            self.out.push('\n');
            // A comment inside a construct printed on one line goes after it.
            while let Some(comment) = self.comment_before(span.end) {
                self.line(&comment.text);
                self.next_comment += 1;
            }
            previous = Some((*unit, last_end));
        }
        while let Some(comment) = self.comment_before(end) {
            if previous.is_some() && self.blank_between(last_end, comment.span.start) {
                self.out.push('\n');
            }
            self.line(&comment.text);
            last_end = comment.span.end;
            self.next_comment += 1;
            previous = previous.or(units.first().map(|u| (*u, 0)));
        }
    }

    /// Emits the blank line, if any, that goes before the next thing.
    fn separate(
        &mut self,
        previous: Option<(Unit<'a>, usize)>,
        next: Unit<'a>,
        from: usize,
        to: usize,
        first: bool,
        top_level: bool,
    ) {
        let Some((previous, _)) = previous else { return };
        let forced = first && top_level && (previous.is_block() || next.is_block());
        if forced || self.blank_between(from, to) {
            self.out.push('\n');
        }
    }

    fn trailing_comment(&mut self, after: usize) {
        if let Some(comment) = self.comments.get(self.next_comment)
            && comment.span.start >= after
            && !self.source[after..comment.span.start].contains('\n')
        {
            self.out.push(' ');
            self.out.push_str(&comment.text);
            self.next_comment += 1;
        }
    }

    fn line(&mut self, text: &str) {
        let indent = self.indent();
        self.out.push_str(&indent);
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn unit(&mut self, unit: Unit<'a>) {
        match unit {
            Unit::Item(item) => self.item(item),
            Unit::Statement(statement) => self.statement(statement),
            Unit::MapEntry(entry) => {
                self.out.push_str(self.text(entry.key.span));
                self.out.push_str(": ");
                self.value(&entry.value);
            }
            Unit::ListValue(value) => {
                self.value(value);
                self.out.push(',');
            }
            Unit::OutputTerm(term) => {
                self.output_term(term);
                self.out.push(',');
            }
        }
    }

    fn item(&mut self, item: &'a Item) {
        match item {
            Item::Let(item) => {
                self.out.push_str("let ");
                self.out.push_str(&item.name.name);
                self.out.push_str(" = ");
                match &item.value {
                    LetValue::Env(call) => {
                        self.out.push_str("env(");
                        self.value(&call.variable);
                        if let Some(default) = &call.default {
                            self.out.push_str(", default: ");
                            self.value(default);
                        }
                        self.out.push(')');
                    }
                    LetValue::Value(value) => self.value(value),
                }
            }
            Item::Output(output) => {
                self.out.push_str("output ");
                self.out.push_str(&output.name.name);
                self.out.push_str(" = ");
                match &output.expr {
                    OutputExpr::Single(term) => self.output_term(term),
                    OutputExpr::List { terms, span } => {
                        let inline: Option<Vec<String>> =
                            terms.iter().map(|term| self.inline_output_term(term)).collect();
                        match inline {
                            Some(parts) if self.fits(&format!("[{}]", parts.join(", ")), *span) => {
                                self.out.push_str(&format!("[{}]", parts.join(", ")));
                            }
                            _ => {
                                let units: Vec<Unit<'_>> = terms.iter().map(Unit::OutputTerm).collect();
                                self.nested('[', ']', &units, *span);
                            }
                        }
                    }
                }
            }
            Item::Block(block) => {
                self.out.push_str(block.kind.keyword());
                self.out.push(' ');
                self.out.push_str(&block.name.name);
                self.out.push(' ');
                self.body(&block.body);
            }
        }
    }

    fn output_term(&mut self, term: &'a OutputTerm) {
        self.value(&term.value);
        if let Some(placement) = &term.placement {
            self.out.push_str(" in ");
            self.placement_target(placement);
        }
    }

    fn inline_output_term(&self, term: &OutputTerm) -> Option<String> {
        let mut text = self.inline(&term.value)?;
        if let Some(placement) = &term.placement {
            text.push_str(" in ");
            text.push_str(&self.inline_placement(placement)?);
        }
        Some(text)
    }

    fn body(&mut self, body: &'a Body) {
        let units: Vec<Unit<'_>> = body.statements.iter().map(Unit::Statement).collect();
        if units.is_empty() && self.comment_before(body.span.end).is_none() {
            self.out.push_str("{}");
            return;
        }
        self.nested('{', '}', &units, body.span);
    }

    /// `open`, the units one per line one level deeper, `close`.
    fn nested(&mut self, open: char, close: char, units: &[Unit<'a>], span: Span) {
        self.out.push(open);
        let first_unit = units.first().map_or(span.end, |unit| unit.span().start);
        if self.comment_before(first_unit).is_some() {
            self.trailing_comment(span.start + 1);
        }
        self.out.push('\n');
        self.depth += 1;
        self.units(units, span.start + 1, span.end);
        self.depth -= 1;
        let indent = self.indent();
        self.out.push_str(&indent);
        self.out.push(close);
    }

    fn statement(&mut self, statement: &'a Statement) {
        match &statement.kind {
            StatementKind::Attribute { name, value } => {
                self.out.push_str(&name.name);
                self.out.push(' ');
                match value {
                    AttrValue::Value(value) => self.value(value),
                    AttrValue::Body(body) => self.body(body),
                }
            }
            StatementKind::Replicate(replicate) => {
                self.out.push_str("replicate ");
                match &replicate.scope {
                    ReplicaScope::Globally(_) => self.out.push_str("globally"),
                    ReplicaScope::To(placement) => {
                        self.out.push_str("to ");
                        self.placement_target(placement);
                    }
                }
                if let Some(options) = &replicate.options {
                    self.out.push(' ');
                    self.body(options);
                }
            }
            StatementKind::Route(route) => {
                self.out.push_str(&format!(
                    "route {} {} -> {}",
                    route.method.name,
                    route.path.name,
                    route.target.dotted()
                ));
                if let Some(options) = &route.options {
                    self.out.push(' ');
                    self.body(options);
                }
            }
            StatementKind::Placement(placement) => {
                self.out.push_str("in ");
                self.placement_target(placement);
            }
            StatementKind::Condition(condition) => {
                self.out.push_str(&format!(
                    "when {} {} ",
                    condition.metric.dotted(),
                    condition.comparison.name
                ));
                self.value(&condition.threshold);
                if let Some(period) = &condition.period {
                    self.out.push_str(" over ");
                    self.value(period);
                }
            }
            StatementKind::Allow(allow) => {
                self.out.push_str("allow ");
                self.value(&allow.actions);
                self.out.push_str(" on ");
                self.out.push_str(&allow.target.dotted());
            }
        }
    }

    fn placement_target(&mut self, placement: &'a Placement) {
        match &placement.target {
            PlacementTarget::EveryRegion => self.out.push_str("every region"),
            PlacementTarget::One(value) => self.value(value),
            PlacementTarget::List(values) => {
                let list = Value {
                    kind: ValueKind::List(values.clone()),
                    span: placement.span,
                };
                let inline = self.inline(&list);
                match inline {
                    Some(text) => self.out.push_str(&text),
                    None => {
                        let units: Vec<Unit<'_>> = values.iter().map(Unit::ListValue).collect();
                        self.nested('[', ']', &units, placement.span);
                    }
                }
            }
        }
    }

    fn inline_placement(&self, placement: &Placement) -> Option<String> {
        match &placement.target {
            PlacementTarget::EveryRegion => Some("every region".to_string()),
            PlacementTarget::One(value) => self.inline(value),
            PlacementTarget::List(values) => {
                let parts: Option<Vec<String>> = values.iter().map(|v| self.inline(v)).collect();
                Some(format!("[{}]", parts?.join(", ")))
            }
        }
    }

    /// Whether `text` fits on the current line and hides no comment.
    fn fits(&self, text: &str, span: Span) -> bool {
        let column = self.out.len() - self.out.rfind('\n').map_or(0, |i| i + 1);
        let has_comment = self.comments[self.next_comment..]
            .iter()
            .any(|comment| comment.span.start > span.start && comment.span.end < span.end);
        !has_comment && column + text.chars().count() <= WIDTH
    }

    fn value(&mut self, value: &'a Value) {
        if let Some(text) = self.inline(value)
            && self.fits(&text, value.span)
        {
            self.out.push_str(&text);
            return;
        }
        match &value.kind {
            ValueKind::List(values) => {
                let units: Vec<Unit<'_>> = values.iter().map(Unit::ListValue).collect();
                self.nested('[', ']', &units, value.span);
            }
            ValueKind::Map(entries) => {
                let units: Vec<Unit<'_>> = entries.iter().map(Unit::MapEntry).collect();
                self.nested('{', '}', &units, value.span);
            }
            _ => {
                let text = self.inline(value).unwrap_or_default();
                self.out.push_str(&text);
            }
        }
    }

    /// The value on one line, if it can be written on one line at all.
    fn inline(&self, value: &Value) -> Option<String> {
        Some(match &value.kind {
            ValueKind::List(values) => {
                let parts: Option<Vec<String>> = values.iter().map(|v| self.inline(v)).collect();
                format!("[{}]", parts?.join(", "))
            }
            ValueKind::Map(entries) if entries.is_empty() => "{}".to_string(),
            ValueKind::Map(entries) => {
                let parts: Option<Vec<String>> = entries
                    .iter()
                    .map(|entry| {
                        Some(format!(
                            "{}: {}",
                            self.text(entry.key.span),
                            self.inline(&entry.value)?
                        ))
                    })
                    .collect();
                format!("{{ {} }}", parts?.join(", "))
            }
            ValueKind::Ref(reference) => reference.dotted(),
            ValueKind::Field { name, ty } => format!("{}: {}", name.name, ty.name),
            _ => self.text(value.span).to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::format;
    use crate::syntax::parse;

    fn fmt(text: &str) -> String {
        let file = parse(text).expect("test input parses");
        format(&file, text)
    }

    #[test]
    fn lays_out_blocks_and_keeps_comments() {
        let input = "// head\nlet a = \"x\"   // why\nlet b = 2\n\n\n\ntable t {  key id: string // the key\n// before billing\nbilling on_demand\n\n\nreplicate globally }\n// tail\n";
        let expected = "// head\nlet a = \"x\" // why\nlet b = 2\n\ntable t {\n  key id: string // the key\n  // before billing\n  billing on_demand\n\n  replicate globally\n}\n// tail\n";
        assert_eq!(fmt(input), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn short_maps_stay_inline_and_long_ones_split() {
        let input = "function f { env { A: \"1\", B: \"2\" } }";
        assert_eq!(fmt(input), "function f {\n  env { A: \"1\", B: \"2\" }\n}\n");
        let long = format!("function f {{ env {{ A: \"{}\", B: \"2\" }} }}", "x".repeat(90));
        let formatted = fmt(&long);
        assert!(formatted.contains("env {\n    A: \""), "{formatted}");
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn trailing_comments_stay_after_statements_with_optional_tails() {
        let input = "table t {\n  replicate globally // everywhere\n  key id: string\n}\n\nalarm a {\n  when t.system_errors > 0 // any\n}\n";
        assert_eq!(fmt(input), input);
    }

    #[test]
    fn a_comment_inside_a_map_splits_it() {
        let input = "function f {\n  env { A: \"1\" // one\n  B: \"2\" }\n}\n";
        let formatted = fmt(input);
        assert_eq!(
            formatted,
            "function f {\n  env {\n    A: \"1\" // one\n    B: \"2\"\n  }\n}\n"
        );
        assert_eq!(fmt(&formatted), formatted);
    }
}
