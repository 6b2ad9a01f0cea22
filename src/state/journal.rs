//! The journal: what an apply did since the state was last written whole.
//!
//! Before each call that changes AWS, drx appends its intent (address,
//! operation, the name it will use); after it, the result (the resource as
//! state records it, or its deletion). Each record is one line, written and
//! flushed to disk on its own, so the bytes written per operation do not grow
//! with the stack; the state document is rewritten (compacted) only at the
//! start and end of a command and at a bounded interval. Reading the state
//! replays a journal a crash left behind.
//!
//! A line is `<crc32 hex> <json>\n`. The first names the state it extends
//! (stack, lineage and serial), so a journal is never replayed onto another
//! history. A last line cut short by a crash is dropped, and said so; a
//! damaged line anywhere else is an error, and nothing is overwritten.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{State, StateError};
use crate::model::resources::ResourceType;
use crate::model::{Region, ResourceState};

/// The journal format this drx reads and writes.
const JOURNAL_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        })
    }
}

/// An operation drx started and never saw the end of: AWS may or may not
/// have done it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOperation {
    pub address: String,
    pub operation: Operation,
    #[serde(rename = "type")]
    pub resource_type: ResourceType,
    pub region: Option<Region>,
    /// The name the resource was to have, where it has one: how a later
    /// drx finds what AWS made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A create's idempotency token: what AWS keeps of it where the
    /// resource has no name of drx's choosing (a health check's caller
    /// reference), and how a later drx finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum JournalRecord {
    /// About to call AWS.
    Intent(PendingOperation),
    /// AWS did it: the resource as state records it now.
    Applied { resource: ResourceState },
    /// The resource is gone. With its physical id, only that one: after a
    /// create-before-destroy replacement the address records the successor,
    /// which the old one's delete must leave.
    Deleted {
        address: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        physical_id: Option<String>,
    },
    /// AWS refused: nothing was done.
    Failed { address: String },
    /// The account the stack lives in, once learnt.
    Account { account_id: String },
}

/// The first line: which state the journal extends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Header {
    pub journal: u32,
    pub stack: String,
    pub lineage: String,
    pub base_serial: u64,
}

impl Header {
    pub(super) fn of(state: &State) -> Header {
        Header {
            journal: JOURNAL_VERSION,
            stack: state.stack.clone(),
            lineage: state.lineage.clone(),
            base_serial: state.serial,
        }
    }
}

/// What a replay did, for the message that says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Records applied onto the state.
    pub replayed: usize,
    /// A last record cut short by a crash was dropped.
    pub torn: bool,
}

/// One journal line.
pub(super) fn encode(value: &impl Serialize) -> Vec<u8> {
    let json = serde_json::to_string(value).unwrap_or_default();
    format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes())).into_bytes()
}

/// The header and records of a journal's text; `torn` when its last line
/// was cut short.
pub(super) fn decode(text: &str, path: &Path) -> Result<(Header, Vec<JournalRecord>, bool), StateError> {
    let damaged = |line: usize, why: &str| StateError::DamagedJournal {
        path: path.to_path_buf(),
        line,
        why: why.to_string(),
    };
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    // A crash between two writes leaves the last line without its end, or
    // with bytes that do not match its sum.
    let mut torn = false;
    if let Some(last) = lines.last()
        && (!last.ends_with('\n') || parse_line(last).is_none())
    {
        lines.pop();
        torn = true;
    }
    let mut values = lines.iter().enumerate().map(|(index, line)| {
        parse_line(line).ok_or_else(|| {
            damaged(
                index + 1,
                "its checksum does not match; the journal was changed or damaged",
            )
        })
    });
    let header: Header = match values.next() {
        Some(value) => {
            serde_json::from_value(value?).map_err(|e| damaged(1, &format!("not a journal header: {e}")))?
        }
        None => return Err(damaged(1, "it has no header")),
    };
    if header.journal != JOURNAL_VERSION {
        return Err(damaged(
            1,
            &format!(
                "it is journal version {}, this drx reads {JOURNAL_VERSION}",
                header.journal
            ),
        ));
    }
    let mut records = Vec::new();
    for (index, value) in values.enumerate() {
        records.push(
            serde_json::from_value(value?).map_err(|e| damaged(index + 2, &format!("not a record: {e}")))?,
        );
    }
    Ok((header, records, torn))
}

fn parse_line(line: &str) -> Option<serde_json::Value> {
    let line = line.strip_suffix('\n')?;
    let (sum, json) = line.split_once(' ')?;
    let expected = u32::from_str_radix(sum, 16).ok()?;
    (crc32fast::hash(json.as_bytes()) == expected).then(|| serde_json::from_str(json).ok())?
}

/// Applies `records` onto `state` in order. An intent stays pending until a
/// result for its address follows. Linear in the state and the records: a
/// stack's first write makes every step pending, so a replay may meet
/// thousands of each.
pub fn replay(state: &mut State, records: &[JournalRecord]) {
    use std::collections::HashMap;
    // Pending operations by address, with the order they were recorded in.
    let mut order = 0usize;
    let mut pending: HashMap<String, (usize, PendingOperation)> = HashMap::new();
    for operation in std::mem::take(&mut state.pending) {
        pending.insert(operation.address.clone(), (order, operation));
        order += 1;
    }
    let mut positions: HashMap<String, usize> = state
        .resources
        .iter()
        .enumerate()
        .map(|(index, resource)| (resource.address.clone(), index))
        .collect();
    let mut deleted = false;
    for record in records {
        match record {
            JournalRecord::Intent(operation) => {
                pending.insert(operation.address.clone(), (order, operation.clone()));
                order += 1;
            }
            JournalRecord::Applied { resource } => {
                pending.remove(&resource.address);
                match positions.get(&resource.address) {
                    Some(&index) => state.resources[index] = resource.clone(),
                    None => {
                        positions.insert(resource.address.clone(), state.resources.len());
                        state.resources.push(resource.clone());
                    }
                }
            }
            JournalRecord::Deleted { address, physical_id } => {
                let successor = match (positions.get(address), physical_id) {
                    (Some(&index), Some(id)) => state.resources[index].physical_id != *id,
                    _ => false,
                };
                if successor {
                    continue;
                }
                pending.remove(address);
                // Marked, and removed in one pass below: the order of what
                // stays is kept.
                if positions.remove(address).is_some() {
                    deleted = true;
                }
            }
            JournalRecord::Failed { address } => {
                pending.remove(address);
            }
            JournalRecord::Account { account_id } => state.account_id = Some(account_id.clone()),
        }
    }
    if deleted {
        let mut index = 0;
        state.resources.retain(|resource| {
            let keep = positions.get(&resource.address) == Some(&index);
            index += 1;
            keep
        });
    }
    let mut pending: Vec<(usize, PendingOperation)> = pending.into_values().collect();
    pending.sort_by_key(|(order, _)| *order);
    state.pending = pending.into_iter().map(|(_, operation)| operation).collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(address: &str) -> ResourceState {
        ResourceState {
            address: address.into(),
            resource_type: ResourceType::SnsTopic,
            region: Some(Region("us-east-1".into())),
            physical_id: format!("arn:{address}"),
            attributes: serde_json::json!({ "name": address, "tags": {} }),
            outputs: Default::default(),
            depends_on: Vec::new(),
        }
    }

    fn intent(address: &str) -> JournalRecord {
        JournalRecord::Intent(PendingOperation {
            address: address.into(),
            operation: Operation::Create,
            resource_type: ResourceType::SnsTopic,
            region: None,
            name: Some(address.into()),
            token: None,
        })
    }

    fn journal(state: &State, records: &[JournalRecord]) -> String {
        let mut bytes = encode(&Header::of(state));
        for record in records {
            bytes.extend(encode(record));
        }
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn results_apply_and_an_unanswered_intent_stays_pending() {
        let mut state = State::new("stack");
        let records = vec![
            intent("a"),
            JournalRecord::Applied {
                resource: resource("a"),
            },
            intent("b"),
            JournalRecord::Account {
                account_id: "123456789012".into(),
            },
        ];
        let text = journal(&state, &records);
        let (header, decoded, torn) = decode(&text, Path::new("j")).expect("decodes");
        assert_eq!(header, Header::of(&state));
        assert!(!torn);
        replay(&mut state, &decoded);
        assert_eq!(state.resources, vec![resource("a")]);
        assert_eq!(state.pending.len(), 1);
        assert_eq!(state.pending[0].address, "b");
        assert_eq!(state.account_id.as_deref(), Some("123456789012"));
        replay(
            &mut state,
            &[
                JournalRecord::Deleted {
                    address: "a".into(),
                    physical_id: None,
                },
                JournalRecord::Failed { address: "b".into() },
            ],
        );
        assert!(state.resources.is_empty() && state.pending.is_empty());
    }

    /// Create before destroy: the successor is recorded first, and the old
    /// one's delete, naming the old id, leaves it.
    #[test]
    fn the_delete_of_a_replaced_resource_leaves_its_successor() {
        let mut state = State::new("stack");
        state.resources.push(resource("a"));
        let successor = ResourceState {
            physical_id: "arn:a-2".into(),
            ..resource("a")
        };
        replay(
            &mut state,
            &[
                JournalRecord::Applied {
                    resource: successor.clone(),
                },
                JournalRecord::Deleted {
                    address: "a".into(),
                    physical_id: Some("arn:a".into()),
                },
            ],
        );
        assert_eq!(state.resources, vec![successor]);
        replay(
            &mut state,
            &[JournalRecord::Deleted {
                address: "a".into(),
                physical_id: Some("arn:a-2".into()),
            }],
        );
        assert!(state.resources.is_empty());
    }

    #[test]
    fn a_last_record_cut_short_is_dropped_and_said() {
        let state = State::new("stack");
        let text = journal(
            &state,
            &[
                intent("a"),
                JournalRecord::Applied {
                    resource: resource("a"),
                },
            ],
        );
        // Cut anywhere inside the last line.
        let last_start = text[..text.len() - 1].rfind('\n').expect("lines") + 1;
        for cut in last_start + 1..text.len() {
            let (_, records, torn) = decode(&text[..cut], Path::new("j")).expect("decodes");
            assert!(torn, "cut at {cut}");
            assert_eq!(records, vec![intent("a")], "cut at {cut}");
        }
    }

    #[test]
    fn damage_before_the_last_line_is_an_error() {
        let state = State::new("stack");
        let text = journal(&state, &[intent("a"), intent("b")]);
        let damaged = text.replacen("\"a\"", "\"x\"", 1);
        let error = decode(&damaged, Path::new("j")).expect_err("damaged");
        assert!(
            matches!(error, StateError::DamagedJournal { line: 2, .. }),
            "{error:?}"
        );
        assert!(decode("", Path::new("j")).is_err(), "no header");
        assert!(decode("not a journal\n", Path::new("j")).is_err());
    }
}
