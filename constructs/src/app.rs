//! The app-file front door: the props of a whole app, as an app file spells
//! them. An app file is YAML that deserializes straight into [`AppProps`]:
//! its stacks are the props of the platform pattern
//! ([`crate::patterns::platform`]), which builds them; this module checks the
//! app's size, registers the whole-app analysis and synthesizes. Rust users
//! build the same structs by hand, or call the pattern themselves.
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
//!     ..Default::default()
//! };
//! let stacks = app.synth(Format::Yaml).expect("valid");
//! assert_eq!(stacks[0].name(), "network");
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::cfn::Format;
use crate::core::{App, Context, RulePack, Suppressions, Synthesis, SynthesizedStack};
use crate::error::{Errors, ValidationError};
use crate::patterns::platform;

pub use crate::core::{DependsOn, RawResource};
pub use crate::patterns::platform::{
    RegionOverrides, StackSpec, CDN_STACK_REGION, CDN_STACK_SUFFIX, LOAD_BALANCER_DNS_OUTPUT, ORIGIN_FACING_PARAMETER,
    PRIMARY_ORIGIN_PARAMETER, SECONDARY_ORIGIN_PARAMETER,
};

/// A whole app: one or more stacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppProps {
    /// The stacks, each synthesized to `templates/<name>.yaml`. At least one.
    pub stacks: Vec<StackSpec>,
    /// Rule packs every stack's template must pass, besides the stacks'
    /// own `compliance` (`control-tower`: the AWS Control Tower proactive
    /// controls). Each failed rule is an error at the construct that made
    /// the resource, unless suppressed with a reason. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RulePack>,
    /// Findings accepted knowingly in every stack, by rule name, control id
    /// (`CT.S3.PR.9`) or whole-app warning code, each with its reason: they
    /// are reported as notes. `constructs` paths start with the stack name.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Suppressions::is_empty")]
    pub suppress: Suppressions,
    /// Not part of the app file: the context committed beside it
    /// (`rcdk.context.json`, the pinned AMI releases), which rcdk reads and
    /// hands to every stack. Default: empty, nothing pinned.
    #[serde(skip)]
    #[schemars(skip)]
    pub context: Context,
}

impl AppProps {
    /// Builds the construct tree with the platform pattern (see
    /// [`platform::build`]), with the whole-app analysis registered (see
    /// [`crate::analysis::register`]). Problems are recorded in the stacks
    /// and returned by [`App::synth`].
    pub fn build(&self) -> App {
        let mut app = App::new();
        crate::analysis::register(&mut app);
        app.set_context(self.context.clone());
        for built in platform::build(&self.stacks) {
            app.add_stack(built.stack);
        }
        for pack in &self.compliance {
            app.add_compliance(*pack);
        }
        app.suppress_all(&self.suppress);
        app
    }

    /// Builds and synthesizes every stack in `format`.
    pub fn synth(&self, format: Format) -> Result<Vec<SynthesizedStack>, Errors> {
        self.synth_with_warnings(format).map(|(stacks, _)| stacks)
    }

    /// Like [`AppProps::synth`], and also returns the whole-app analysis'
    /// warnings (see [`crate::analysis`]); acknowledged ones are dropped
    /// (see [`AppProps::synth_with_diagnostics`]).
    pub fn synth_with_warnings(&self, format: Format) -> Result<(Vec<SynthesizedStack>, Vec<ValidationError>), Errors> {
        self.synth_with_diagnostics(format).map(|s| (s.stacks, s.warnings))
    }

    /// Like [`AppProps::synth`], and also returns the whole-app analysis'
    /// warnings and the notes of warnings a construct acknowledged (see
    /// [`crate::core::Stack::acknowledge`]).
    pub fn synth_with_diagnostics(&self, format: Format) -> Result<Synthesis, Errors> {
        if self.stacks.is_empty() {
            return Err(Errors(vec![crate::ValidationError::new(
                Code::Empty,
                &Default::default(),
                "the app has no stacks",
            )
            .field("stacks")
            .help("add at least one entry under `stacks:`")]));
        }
        self.check_size()?;
        self.build()
            .synth_with_diagnostics(format)
            .map(|s| Synthesis {
                stacks: s.stacks,
                warnings: dedup_region_copies(s.warnings),
                notes: dedup_region_copies(s.notes),
            })
            .map_err(|e| Errors(dedup_region_copies(e.0)))
    }

    /// Refuses, before anything is built, an app larger than
    /// [`MAX_APP_STACKS`] stacks or [`MAX_APP_SERVICES`] services once
    /// `regions` are expanded: its construction alone would take seconds
    /// (a few hundred microseconds per service), and CloudFormation's
    /// quotas would refuse it anyway.
    fn check_size(&self) -> Result<(), Errors> {
        let copies = |spec: &StackSpec| spec.regions.len().max(1);
        let stacks: usize =
            self.stacks.iter().map(|s| copies(s) + usize::from(s.cdn.is_some() && !s.regions.is_empty())).sum();
        let services: usize = self.stacks.iter().map(|s| s.services.len().saturating_mul(copies(s))).sum();
        let mut errors = Vec::new();
        if stacks > MAX_APP_STACKS {
            errors.push(
                ValidationError::new(
                    Code::TooManyStacks,
                    &Default::default(),
                    format!("the app makes {stacks} stacks (counting one per region); rcdk builds at most {MAX_APP_STACKS} from one app"),
                )
                .field("stacks")
                .help("split the app into several app files"),
            );
        }
        if services > MAX_APP_SERVICES {
            errors.push(
                ValidationError::new(
                    Code::TooManyServices,
                    &Default::default(),
                    format!("the app has {services} services (counting one copy per region); rcdk builds at most {MAX_APP_SERVICES} from one app"),
                )
                .field("stacks")
                .help("split the app into several app files; one load balancer fronts at most 100 services"),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Errors(errors))
        }
    }
}

/// The most stacks one app may make, `regions` copies and CDN stacks
/// included (README, "Limits").
pub const MAX_APP_STACKS: usize = 100;
/// The most services one app may have, counting each region's copy
/// (README, "Limits"): ten times what one load balancer can front.
pub const MAX_APP_SERVICES: usize = 1000;

/// The copies of a multi-region stack report the same problem once per
/// region: keep the first of each (same code, field, construct below the
/// stack, and message but for the stack's name). Different problems with the
/// same code at the same place (a stack over the resource and the output
/// limits) are all kept.
fn dedup_region_copies(errors: Vec<ValidationError>) -> Vec<ValidationError> {
    let mut seen = BTreeSet::new();
    errors
        .into_iter()
        .filter(|e| {
            let segments = e.construct.segments();
            let below: Vec<String> = segments.iter().skip(1).cloned().collect();
            let message = match segments.first() {
                Some(stack) if !stack.is_empty() => e.message.replace(stack.as_str(), "<stack>"),
                _ => e.message.clone(),
            };
            let key = (e.code, e.field.to_string(), below.join("/"), e.help.clone(), message);
            seen.insert(key)
        })
        .collect()
}

crate::codes! {
    /// The diagnostic codes of the app as a whole.
    pub(crate) enum Code {
        Empty => error("app:empty") {
            formerly: ["app-empty"],
            title: "the app has no stacks",
            explanation: "An app file must define at least one stack under `stacks:`; there is nothing to synthesize \
         otherwise.\n\n\
         ```yaml\nstacks:\n  - name: shop\n    vpc: {}\n```",
        },
        TooManyServices => error("app:too-many-services") {
            formerly: ["app-too-many-services"],
            title: "the app has more services than rcdk builds from one app",
            explanation: "Each service is about fourteen resources; past the limit (counting one copy per region) the app cannot fit CloudFormation's stack limits anyway and would take long to build. Split the app into several app files.",
        },
        TooManyStacks => error("app:too-many-stacks") {
            formerly: ["app-too-many-stacks"],
            title: "the app makes more stacks than rcdk builds from one app",
            explanation: "Each entry of `stacks:` makes one stack, or one per region with `regions:`. Past the limit, split the app into several app files.",
        },
    }
}
