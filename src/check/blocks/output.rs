//! `output name = value [in placement]`, or a list of such terms.

use std::collections::HashMap;

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::references::Consumer;
use super::super::topology::{Output, OutputValue, Text};
use crate::source::Span;
use crate::syntax::ast::{self, Item, OutputExpr};

impl<'a> Checker<'a> {
    pub(in super::super) fn check_outputs(&mut self, file: &'a ast::File) -> Vec<Output> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut outputs = Vec::new();
        for item in &file.items {
            let Item::Output(output) = item else { continue };
            if let Some(first) = seen.get(output.name.name.as_str()) {
                self.error(
                    output.name.span,
                    CheckErrorKind::DuplicateName {
                        name: output.name.name.clone(),
                        first: *first,
                    },
                );
                continue;
            }
            seen.insert(&output.name.name, output.name.span);
            let value = match &output.expr {
                OutputExpr::Single(term) => match self.output_term(term) {
                    Some(mut texts)
                        if texts.len() == 1
                            && term.placement.as_ref().is_none_or(|p| {
                                !matches!(
                                    p.target,
                                    ast::PlacementTarget::EveryRegion | ast::PlacementTarget::List(_)
                                )
                            }) =>
                    {
                        texts.pop().map(OutputValue::Single)
                    }
                    Some(texts) => Some(OutputValue::List(texts)),
                    None => None,
                },
                OutputExpr::List { terms, .. } => {
                    let mut all = Vec::new();
                    let mut ok = true;
                    for term in terms {
                        match self.output_term(term) {
                            Some(texts) => all.extend(texts),
                            None => ok = false,
                        }
                    }
                    ok.then_some(OutputValue::List(all))
                }
            };
            if let Some(value) = value {
                outputs.push(Output {
                    name: output.name.name.clone(),
                    value,
                    span: output.span,
                });
            }
        }
        outputs
    }

    /// One term; `x.arn in every region` gives one text per region.
    fn output_term(&mut self, term: &ast::OutputTerm) -> Option<Vec<Text>> {
        let Some(placement) = &term.placement else {
            return self.text(&term.value, Consumer::Unplaced).map(|text| vec![text]);
        };
        let regions = self.placement(placement)?;
        let mut texts = Vec::new();
        for region in regions {
            texts.push(self.text(&term.value, Consumer::In(region))?);
        }
        Some(texts)
    }
}
