//! The spanned syntax tree: what the file says, before any meaning is checked.
//!
//! Scalars keep their source text (`raw`) so that the formatter reprints them
//! exactly as written; the checker reads the parsed fields.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    /// Every `//` comment, in source order, for the formatter.
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Let(Let),
    Output(Output),
    Block(Block),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Let(item) => item.span,
            Item::Output(item) => item.span,
            Item::Block(item) => item.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    pub name: Ident,
    pub value: LetValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    Env(EnvCall),
    Value(Value),
}

/// `env("NAME", default: "dev")`
#[derive(Debug, Clone, PartialEq)]
pub struct EnvCall {
    pub variable: Value,
    pub default: Option<Value>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub name: Ident,
    pub expr: OutputExpr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OutputExpr {
    Single(OutputTerm),
    List { terms: Vec<OutputTerm>, span: Span },
}

/// A string or reference, optionally pinned to a region: `payments.url in primary`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputTerm {
    pub value: Value,
    pub placement: Option<Placement>,
    pub span: Span,
}

/// Block kinds and their keywords are declared once, in the block catalog.
pub use crate::model::blocks::{BlockKind, ResourceKind};

/// `table transactions { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    pub kind_span: Span,
    pub name: Ident,
    pub body: Body,
    pub span: Span,
}

/// `{ statement* }`; the span covers both braces.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// `memory 256MB`, `logs { retention 14d }`, `tags { team: "payments" }`
    Attribute {
        name: Ident,
        value: AttrValue,
    },
    Replicate(Replicate),
    Route(Route),
    Placement(Placement),
    Condition(Condition),
    Allow(Allow),
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Value(Value),
    Body(Body),
}

impl AttrValue {
    pub fn span(&self) -> Span {
        match self {
            AttrValue::Value(value) => value.span,
            AttrValue::Body(body) => body.span,
        }
    }
}

/// `replicate globally` or `replicate to secondary { time_control 15m }`
#[derive(Debug, Clone, PartialEq)]
pub struct Replicate {
    pub scope: ReplicaScope,
    pub options: Option<Body>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReplicaScope {
    Globally(Span),
    To(Placement),
}

/// `route POST /payments -> processor`
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub method: Ident,
    pub path: Ident,
    pub target: Reference,
    /// `{ auth none }` after the target.
    pub options: Option<Body>,
}

/// `in every region`, `in primary`, `in us-west-2`, `in [primary, us-west-2]`
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub target: PlacementTarget,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlacementTarget {
    EveryRegion,
    One(Value),
    List(Vec<Value>),
}

/// `when processor.errors > 5 over 1m`
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub metric: Reference,
    pub comparison: Ident,
    pub threshold: Value,
    pub period: Option<Value>,
}

/// `allow [route53.change_records] on api`
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub actions: Value,
    pub target: Reference,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Str(Str),
    Number {
        value: f64,
        raw: String,
    },
    Duration {
        amount: u64,
        unit: DurationUnit,
        raw: String,
    },
    Size {
        amount: u64,
        unit: SizeUnit,
        raw: String,
    },
    Bool {
        value: bool,
        raw: String,
    },
    Region(String),
    List(Vec<Value>),
    Map(Vec<MapEntry>),
    Ref(Reference),
    /// `paymentId: string`, a typed field (table keys).
    Field {
        name: Ident,
        ty: Ident,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Days,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeUnit {
    Kilobytes,
    Megabytes,
    Gigabytes,
    Terabytes,
}

/// A string literal; `raw` is the source text between and including the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub parts: Vec<StrPart>,
    pub raw: String,
}

impl Str {
    /// The text if the string has no interpolation.
    pub fn as_literal(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(chunk) => text.push_str(chunk),
                StrPart::Interpolation(_) => return None,
            }
        }
        Some(text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Text(String),
    Interpolation(Reference),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    pub key: Ident,
    /// Whether the key was written as a string (`"cost-center": ...`).
    pub quoted_key: bool,
    pub value: Value,
    pub span: Span,
}

/// `transactions.name`: a variable, a resource, or a resource's attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Reference {
    pub fn head(&self) -> &Ident {
        &self.segments[0]
    }

    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(|segment| segment.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}
