//! The app-file schema: the props of a whole app, as an app file spells
//! them. An app file is YAML that deserializes straight into [`AppProps`];
//! Rust users build the same structs by hand.
//!
//! ```
//! use rcdk_constructs::app::{AppProps, StackSpec};
//! use rcdk_constructs::cfn::Format;
//! use rcdk_constructs::ec2::VpcProps;
//!
//! let app = AppProps {
//!     stacks: vec![StackSpec {
//!         name: "network".into(),
//!         vpc: Some(VpcProps { nat_gateways: Some(0), ..Default::default() }),
//!         ..Default::default()
//!     }],
//! };
//! let stacks = app.synth(Format::Yaml).expect("valid");
//! assert_eq!(stacks[0].name(), "network");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cfn::Format;
use crate::core::{App, FieldPath, Stack, StackProps, SynthesizedStack};
use crate::ec2::{Vpc, VpcProps};
use crate::error::Errors;

/// A whole app: one or more stacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppProps {
    /// The stacks, each synthesized to `templates/<name>.yaml`. At least one.
    pub stacks: Vec<StackSpec>,
}

/// One stack of an app and the constructs in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackSpec {
    /// The stack name (see [`StackProps::name`]).
    pub name: String,
    /// The region to deploy to. Default: the environment's region at deploy time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account to deploy to. Default: the credentials' account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The template description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags for every taggable resource. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The VPC. Default: no VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<VpcProps>,
    /// Values for the template's parameters at deploy time, by parameter
    /// name; `rcdk deploy --parameter KEY=VALUE` overrides them. A name that
    /// is not a parameter of the template is an error before any AWS call.
    /// Default: none, the template defaults apply.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

impl StackSpec {
    /// The stack's own props.
    pub fn stack_props(&self) -> StackProps {
        StackProps {
            name: self.name.clone(),
            region: self.region.clone(),
            account: self.account.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
        }
    }
}

impl AppProps {
    /// Builds the construct tree. Problems are recorded in the stacks and
    /// returned by [`App::synth`].
    pub fn build(&self) -> App {
        let mut app = App::new();
        for (i, spec) in self.stacks.iter().enumerate() {
            let mut stack = Stack::new(spec.stack_props(), FieldPath::root().key("stacks").index(i));
            if let Some(vpc) = &spec.vpc {
                stack.in_field("vpc", |s| Vpc::new(s, "Vpc", vpc));
            }
            app.add_stack(stack);
        }
        app
    }

    /// Builds and synthesizes every stack in `format`.
    pub fn synth(&self, format: Format) -> Result<Vec<SynthesizedStack>, Errors> {
        if self.stacks.is_empty() {
            return Err(Errors(vec![crate::ValidationError::new(
                "app-empty",
                &Default::default(),
                "the app has no stacks",
            )
            .field("stacks")
            .help("add at least one entry under `stacks:`")]));
        }
        self.build().synth(format)
    }
}
