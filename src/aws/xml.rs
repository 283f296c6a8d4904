//! A small XML reader for AWS responses (the Query, EC2 and REST-XML
//! protocols): the document as a tree of elements, namespaces dropped,
//! entities decoded. Responses are small (one page of a list), so a tree is
//! simpler to read from than a stream, and no schema is needed: callers ask
//! for the elements they use by name.

/// One element: its local name, its text (the concatenated character data
/// directly inside it, entities decoded) and its child elements in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (`DescribeStacksResult`), without a namespace prefix.
    pub name: String,
    /// The text directly inside the element.
    pub text: String,
    /// The child elements, in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// Parses a document into its root element. The error is a one-line
    /// description of where and why the text is not XML.
    pub fn parse(body: &str) -> Result<Element, String> {
        use xmlparser::{ElementEnd, Token, Tokenizer};
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        for token in Tokenizer::from(body) {
            let token = token.map_err(|e| e.to_string())?;
            match token {
                Token::ElementStart { local, .. } => {
                    stack.push(Element { name: local.as_str().to_owned(), ..Element::default() });
                }
                Token::ElementEnd { end, .. } => {
                    if matches!(end, ElementEnd::Open) {
                        continue;
                    }
                    let done = stack.pop().ok_or("a closing tag without an opening one")?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => root = Some(done),
                    }
                }
                Token::Text { text } => {
                    if let Some(current) = stack.last_mut() {
                        current.text.push_str(&unescape(text.as_str()));
                    }
                }
                Token::Cdata { text, .. } => {
                    if let Some(current) = stack.last_mut() {
                        current.text.push_str(text.as_str());
                    }
                }
                _ => {}
            }
        }
        if !stack.is_empty() {
            return Err(format!("the document ends inside <{}>", stack.last().map_or("", |e| e.name.as_str())));
        }
        root.ok_or_else(|| "no element".to_owned())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element at a path of child names.
    pub fn at(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |e, name| e.child(name))
    }

    /// The trimmed text of the child `name`, when it has any.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_owned()).filter(|t| !t.is_empty())
    }

    /// The text of the child `name` exactly as sent (not trimmed; empty
    /// when the element is), when there is such a child: for values where
    /// spaces count (template bodies, parameter and output values).
    pub fn string_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }

    /// The trimmed text of the element at `path`, when it has any.
    pub fn text_at(&self, path: &[&str]) -> Option<String> {
        self.at(path).map(|c| c.text.trim().to_owned()).filter(|t| !t.is_empty())
    }

    /// The items of a list child: every element inside `<name>`, whatever
    /// its name — `<member>` (Query protocol), `<item>` (EC2) or a name of
    /// its own (RDS: `<DBInstances><DBInstance>…`).
    pub fn list(&self, name: &str) -> Vec<&Element> {
        self.child(name).map(|l| l.children.iter().collect()).unwrap_or_default()
    }

    /// The first element named `name` anywhere below this one (depth first).
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|c| if c.name == name { Some(c) } else { c.find(name) })
    }
}

/// Decodes the five predefined entities and numeric character references.
pub(super) fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for an element's content.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_responses_become_trees() {
        let body = r#"<?xml version="1.0"?>
<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeAutoScalingGroupsResult>
    <AutoScalingGroups>
      <member><AutoScalingGroupName>web &amp; api</AutoScalingGroupName>
        <Instances><member><InstanceId>i-1</InstanceId><ProtectedFromScaleIn>true</ProtectedFromScaleIn></member></Instances>
      </member>
    </AutoScalingGroups>
  </DescribeAutoScalingGroupsResult>
</DescribeAutoScalingGroupsResponse>"#;
        let root = Element::parse(body).expect("xml");
        let result = root.child("DescribeAutoScalingGroupsResult").expect("result");
        let groups = result.list("AutoScalingGroups");
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].text_of("AutoScalingGroupName").as_deref(), Some("web & api"));
        assert_eq!(groups[0].list("Instances")[0].text_of("InstanceId").as_deref(), Some("i-1"));
        assert_eq!(root.find("ProtectedFromScaleIn").map(|e| e.text.as_str()), Some("true"));
    }

    #[test]
    fn entities_and_errors() {
        assert_eq!(unescape("a &lt;b&gt; &#65;&#x42; &bogus; &"), "a <b> AB &bogus; &");
        assert!(Element::parse("<a><b></a>").is_err());
        assert!(Element::parse("not xml").is_err());
        assert_eq!(escape("a<&>"), "a&lt;&amp;&gt;");
    }
}
