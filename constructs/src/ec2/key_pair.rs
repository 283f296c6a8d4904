//! EC2 key pair names, as instances and launch templates take them
//! (`KeyName`): the key pair must exist in the stack's region already.

use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// The longest key pair name EC2 accepts ("Up to 255 ASCII characters",
/// CreateKeyPair, <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html>).
pub const MAX_KEY_NAME_LEN: usize = 255;

/// Reports a key pair name EC2 would refuse at deploy time: empty, longer
/// than [`MAX_KEY_NAME_LEN`], not printable ASCII, or with spaces at either
/// end (a copy-paste slip; EC2 would look for a key of that exact name).
/// `field` is the prop's name (`key_name`).
pub(crate) fn check_key_name(stack: &mut Stack, path: &ConstructPath, field: &str, name: &str) {
    let why = if name.is_empty() {
        Some("it is empty".to_owned())
    } else if name.len() > MAX_KEY_NAME_LEN {
        Some(format!("it is {} characters long, above {MAX_KEY_NAME_LEN}", name.len()))
    } else if !name.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        Some("it has characters other than printable ASCII".to_owned())
    } else if name.trim() != name {
        Some("it starts or ends with a space".to_owned())
    } else {
        None
    };
    if let Some(why) = why {
        stack.report(
            ValidationError::new(Code::KeyNameInvalid, path, format!("`{name}` is not an EC2 key pair name: {why}"))
                .field(field)
                .help("give the name of a key pair of the stack's region as `aws ec2 describe-key-pairs` lists it, or leave `key_name` out and connect with SSM Session Manager"),
        );
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        KeyNameInvalid => error("ec2:key-name-invalid") {
            title: "`key_name` is not an EC2 key pair name",
            explanation: "`key_name` names an existing EC2 key pair of the stack's region, whose public key EC2 \
         installs on the instances for SSH. EC2 key pair names are 1 to 255 ASCII characters; a name \
         outside that, or with a space at either end, names no key pair and the launch fails at deploy \
         time. Copy the name from `aws ec2 describe-key-pairs --query 'KeyPairs[].KeyName'`. Better, \
         leave `key_name` out: the instances run the SSM agent with the `AmazonSSMManagedInstanceCore` \
         policy, so `aws ssm start-session --target <instance-id>` opens a shell with no key to \
         distribute or rotate and no port 22 to open.",
            link: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{FieldPath, StackProps};

    fn codes(name: &str) -> Vec<String> {
        let mut s = Stack::new(StackProps { name: "s".into(), ..Default::default() }, FieldPath::root());
        let path = s.root().child("Cluster");
        check_key_name(&mut s, &path, "key_name", name);
        s.errors().iter().map(|e| format!("{} {}", e.code, e.field)).collect()
    }

    #[test]
    fn key_names_are_one_to_255_printable_ascii_characters() {
        for ok in ["ops", "ops key 2024", "a", &"k".repeat(255)] {
            assert!(codes(ok).is_empty(), "{ok}");
        }
        for bad in ["", " ops", "ops ", &"k".repeat(256), "clé", "tab\tkey"] {
            assert_eq!(codes(bad), vec!["ec2:key-name-invalid key_name".to_owned()], "{bad:?}");
        }
    }
}
