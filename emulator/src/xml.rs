//! Just enough XML for S3's replication configuration: elements, text and
//! the five predefined entities. Attributes and namespaces are ignored.

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
}

impl Element {
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |child| child.name == name)
    }

    pub(crate) fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|child| child.text.trim())
    }
}

/// Parses a document into its root element.
pub(crate) fn parse(text: &str) -> Option<Element> {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let content = &rest[..open];
        if let Some(top) = stack.last_mut() {
            top.text.push_str(&unescape(content));
        }
        rest = &rest[open..];
        let close = rest.find('>')?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let element = stack.pop()?;
            if element.name != name.trim() {
                return None;
            }
            stack.last_mut()?.children.push(element);
        } else {
            let self_closing = tag.ends_with('/');
            let name = tag.trim_end_matches('/').split_whitespace().next()?.to_string();
            let element = Element {
                name,
                ..Element::default()
            };
            if self_closing {
                stack.last_mut()?.children.push(element);
            } else {
                stack.push(element);
            }
        }
    }
    let document = stack.pop()?;
    if !stack.is_empty() {
        return None;
    }
    document.children.into_iter().next()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_nested_elements_and_entities() {
        let root =
            parse(r#"<?xml version="1.0"?><A xmlns="x"><B>1 &amp; 2</B><C><D/></C></A>"#).expect("parses");
        assert_eq!(root.name, "A");
        assert_eq!(root.text_of("B"), Some("1 & 2"));
        assert!(root.child("C").and_then(|c| c.child("D")).is_some());
        assert!(parse("<A><B></A>").is_none());
    }
}
